# APLT-robust on the demo dataset (25% labels): aplt_r18_demo.py with the
# recommended offline phase (configs/_base_/labelers.py, robust_labeler).
_base_ = ['./aplt_r18_demo.py']

model = dict(offline_labeler={{_base_.robust_labeler}})
