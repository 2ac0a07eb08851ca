# APLT-robust on MA-12, 50% labels: the paper's configuration with the
# recommended offline phase (configs/_base_/labelers.py, robust_labeler).
_base_ = ['./aplt_r18_ma12_50p.py']

model = dict(offline_labeler={{_base_.robust_labeler}})
