# MSR Action3D benchmark: APLT-robust (the recommended offline phase), 25%
# labels; otherwise aplt_r18_msr3d_25p.py.
_base_ = ['./aplt_r18_msr3d_25p.py']

model = dict(offline_labeler={{_base_.robust_labeler}})
