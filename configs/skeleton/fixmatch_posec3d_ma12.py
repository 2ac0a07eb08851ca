# FixMatch with PoseC3D on MA-12 skeletons; data options in
# ./_base_/posec3d_ma12.py.
_base_ = ['./_base_/posec3d_ma12.py']

model = dict(
    _delete_=True,
    type='SemiRecognizer',
    recognizer={{_base_.model}},
    algorithm=dict(type='FixMatch', threshold=0.95, unlabeled_weight=1.0),
    data_preprocessor=dict(
        type='MultiViewDataPreprocessor', format_shape='NCTHW'))
