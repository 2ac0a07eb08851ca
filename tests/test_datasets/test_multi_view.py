import numpy as np
import pytest
import torch
from mmaction.registry import TRANSFORMS
from mmengine.dataset import Compose, pseudo_collate

import aplt_mm  # noqa: F401
from aplt_mm.models import MultiViewDataPreprocessor

WEAK = [
    dict(type='RandomResizedCrop', area_range=(0.3, 1.0)),
    dict(type='Resize', scale=(24, 24), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
STRONG = WEAK + [
    dict(type='TorchVisionWrapper', op='RandAugment', num_ops=2,
         magnitude=10),
    dict(type='RandomErasing', erase_prob=1.0),
]
FORMAT = [dict(type='FormatShape', input_format='NCHW')]


def build(cfgs):
    return Compose([TRANSFORMS.build(cfg) for cfg in cfgs])


def pipeline(num_clips=4):
    return build([
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=1, num_clips=num_clips),
        dict(type='DecordDecode'),
        dict(type='MultiView', weak=WEAK + FORMAT, strong=STRONG + FORMAT),
        dict(
            type='PackActionInputs',
            collect_keys=('weak', 'strong'),
            meta_keys=('sample_idx', 'is_labeled', 'unlabeled_index',
                       'true_label', 'num_unlabeled')),
    ])


def first_clip(tiny_data):
    with open(tiny_data['unlabeled']) as f:
        rel, label = f.readline().split()
    return dict(
        filename=f"{tiny_data['videos']}/{rel}", label=-1, start_index=0,
        modality='RGB', sample_idx=6, is_labeled=False, unlabeled_index=0,
        true_label=int(label))


def test_views_are_packed_with_metadata(tiny_data):
    packed = pipeline()(first_clip(tiny_data))
    assert set(packed['inputs']) == {'weak', 'strong'}
    for view in packed['inputs'].values():
        assert view.shape == (4, 3, 24, 24) and view.dtype == torch.uint8
    sample = packed['data_samples']
    assert sample.metainfo['is_labeled'] is False
    assert sample.metainfo['true_label'] == 0
    assert sample.metainfo['unlabeled_index'] == 0
    assert sample.gt_labels.item.item() == -1


def test_views_differ_and_frames_get_one_draw(tiny_data):
    # A clip whose frames are all the same frame: any per-frame difference
    # inside a view would mean the augmentation was drawn per frame.
    results = first_clip(tiny_data)
    decode = build([
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=1, num_clips=4),
        dict(type='DecordDecode'),
    ])(results)
    decode['imgs'] = [decode['imgs'][0].copy() for _ in range(4)]
    multi_view = TRANSFORMS.build(
        dict(type='MultiView', weak=WEAK + FORMAT, strong=STRONG + FORMAT))
    np.random.seed(0)
    torch.manual_seed(0)
    differs = 0
    for _ in range(5):
        out = multi_view(dict(decode, imgs=list(decode['imgs'])))
        for name in ('weak', 'strong'):
            frames = out[name]
            assert all(np.array_equal(frames[0], f) for f in frames[1:]), \
                f'{name} view augments frames differently'
        differs += not np.array_equal(out['weak'], out['strong'])
    assert differs == 5
    # The decoded frames were not modified in place by Flip.
    assert all(np.array_equal(decode['imgs'][0], f) for f in decode['imgs'])


def test_preprocessor_normalises_each_view(tiny_data):
    batch = pseudo_collate([pipeline()(first_clip(tiny_data))] * 2)
    preprocessor = MultiViewDataPreprocessor(
        mean=[100., 100., 100.], std=[10., 10., 10.], format_shape='NCHW')
    out = preprocessor(batch, training=True)
    for name in ('weak', 'strong'):
        raw = torch.stack(batch['inputs'][name]).float()
        assert torch.allclose(out['inputs'][name], (raw - 100.) / 10.)
    # Plain (test-time) batches go through the parent unchanged.
    plain = dict(inputs=batch['inputs']['weak'],
                 data_samples=batch['data_samples'])
    out = preprocessor(plain, training=False)
    assert out['inputs'].shape == (2, 4, 3, 24, 24)


def test_a_label_mapping_flip_inside_a_view_is_refused():
    # A view keeps only its array, so the mapped label would be lost.
    flip = dict(type='Flip', flip_ratio=0.5, flip_label_map={0: 1, 1: 0})
    with pytest.raises(ValueError, match="view 'strong'.*flip_label_map"):
        TRANSFORMS.build(
            dict(type='MultiView', weak=WEAK + FORMAT,
                 strong=[flip] + FORMAT))
