"""Skeleton modality: pose datasets, conversion, views and GCN pooling."""
import copy
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

import aplt_mm  # noqa: F401
from aplt_mm.datasets import AnnotationError, SemiPoseDataset
from aplt_mm.datasets.samplers import (LabeledPartSampler,
                                       SemiSupervisedSampler)
from aplt_mm.datasets.splits import stratified_mask
from aplt_mm.skeleton.layouts import KINECT_V1_20, graph_layout, mirror_pairs
from conftest import REPO_ROOT, run_tool
from skeleton_data import make_pose_pickle, save_pose_pickle

MSR_BASE = osp.join(REPO_ROOT, 'configs/_base_/datasets/msr3d_pose_semi.py')
META = ('is_labeled', 'unlabeled_index', 'true_label', 'num_unlabeled')


@pytest.fixture(scope='module')
def pose_pkl(tmp_path_factory):
    path = tmp_path_factory.mktemp('pose') / 'tiny.pkl'
    make_pose_pickle(path)
    return str(path)


def semi(pkl, **kwargs):
    kwargs.setdefault('num_classes', 3)
    if 'labeled_split' not in kwargs:
        kwargs.setdefault('split', 'train')
        kwargs.setdefault('label_ratio', 0.5)
    return DATASETS.build(
        dict(type='SemiPoseDataset', ann_file=pkl, pipeline=[], **kwargs))


def test_ratio_split_follows_make_split_and_the_semi_contract(pose_pkl):
    ds = semi(pose_pkl, split_seed=3)
    assert (ds.num_labeled, ds.num_unlabeled) == (6, 6)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    labeled, unlabeled = infos[:6], infos[6:]
    # The same clips tools/make_split.py's rule labels.
    with open(pose_pkl, 'rb') as f:
        data = pickle.load(f)
    train = [a for a in data['annotations'] if a['frame_dir'] in set(
        data['split']['train'])]
    mask = stratified_mask([a['label'] for a in train], 0.5, 3)
    assert [i['frame_dir'] for i in labeled] == [
        a['frame_dir'] for a, m in zip(train, mask) if m
    ]
    assert all(i['is_labeled'] and i['unlabeled_index'] == -1
               and i['label'] == i['true_label'] >= 0 for i in labeled)
    assert [i['unlabeled_index'] for i in unlabeled] == list(range(6))
    assert all(not i['is_labeled'] and i['label'] == -1
               and i['true_label'] >= 0 and i['num_unlabeled'] == 6
               for i in unlabeled)
    # Another seed draws other clips; the same seed the same ones.
    other = semi(pose_pkl, split_seed=4)
    assert [other.get_data_info(i)['frame_dir'] for i in range(6)] != [
        i['frame_dir'] for i in labeled
    ]
    again = semi(pose_pkl, split_seed=3)
    assert [again.get_data_info(i)['frame_dir'] for i in range(12)] == [
        i['frame_dir'] for i in infos
    ]


def test_named_splits_and_the_labeled_part_alone(tmp_path, pose_pkl):
    with open(pose_pkl, 'rb') as f:
        data = pickle.load(f)
    data['split']['lab'] = data['split']['train'][:6:2]
    data['split']['unl'] = data['split']['val'] + data['split']['test']
    for a in data['annotations']:  # unknown labels are allowed there
        if a['frame_dir'] in data['split']['val']:
            a['label'] = -1
    pkl = save_pose_pickle(data, tmp_path / 'named.pkl')
    ds = semi(pkl, labeled_split='lab', unlabeled_split='unl',
              num_classes=None)
    assert (ds.num_labeled, ds.num_unlabeled) == (3, 6)
    assert ds.get_data_info(3)['true_label'] == -1
    assert ds.get_data_info(6)['true_label'] >= 0

    labeled_only = DATASETS.build(
        dict(type='PoseListDataset', ann_file=pose_pkl, pipeline=[],
             split='train', label_ratio=0.5, split_seed=3))
    ref = semi(pose_pkl, split_seed=3)
    assert [labeled_only.get_data_info(i)['frame_dir']
            for i in range(len(labeled_only))] == [
                ref.get_data_info(i)['frame_dir'] for i in range(6)]


def broken(tmp_path, pose_pkl, edit):
    with open(pose_pkl, 'rb') as f:
        data = pickle.load(f)
    edit(data)
    return save_pose_pickle(data, tmp_path / 'broken.pkl')


def set_anno(key, value, index=1):
    def edit(data):
        data['annotations'][index][key] = value
    return edit


@pytest.mark.parametrize('edit,kwargs,message', [
    (lambda d: d['split']['train'].append('ghost'), {},
     r"1 clips of split 'train' have no annotation: 'ghost'"),
    (set_anno('keypoint', np.zeros((5, 20, 3), np.float32)), {},
     r"annotations\[1\] \(frame_dir 'train_c0_1'\): keypoint must be a "
     r'non-empty array \[M, T, V, C\], got \(5, 20, 3\)'),
    (set_anno('label', 7), {},
     r"annotations\[1\] \(frame_dir 'train_c0_1'\): label 7 out of range "
     r'\[0, 3\)'),
    (lambda d: d['split'].update(train=[]), {}, r"split 'train' is empty"),
    (lambda d: None, dict(split='xsub_train'),
     r"no split 'xsub_train'; it has \['test', 'train', 'val'\]"),
    (set_anno('total_frames', 99), {}, r'total_frames=99 but keypoint has'),
    (set_anno('keypoint', np.full((1, 4, 20, 3), np.nan, np.float32)), {},
     r"'train_c0_1'\): keypoint has NaN"),
    (lambda d: d['annotations'][1].update(
        keypoint=d['annotations'][1]['keypoint'][..., :2]), {},
     r"'train_c0_1'\): 2-D keypoints \(pixels\) need img_shape and "
     r'keypoint_score'),
    (lambda d: d['annotations'].append(dict(d['annotations'][0])), {},
     r"repeats frame_dir 'train_c0_0'"),
    (lambda d: d['split'].update(lab=d['split']['train'][:4],
                                 unl=d['split']['train'][3:]),
     dict(labeled_split='lab', unlabeled_split='unl', split=None,
          label_ratio=None),
     r"1 clips are both in .* split 'lab' and .* split 'unl', e.g. "
     r'train_c0_3'),
    (lambda d: d['split'].update(lab=d['split']['train'][:4],
                                 unl=d['split']['train'][4:]),
     dict(labeled_split='lab', unlabeled_split='unl', split=None,
          label_ratio=None),
     r"split 'lab' has no labeled clip of classes \[1, 2\]"),
    (lambda d: None, dict(label_ratio=0.1),
     r'ratio=0.1 leaves 3 class\(es\) without a labeled clip'),
])
def test_bad_pickles_name_the_culprit(tmp_path, pose_pkl, edit, kwargs,
                                      message):
    pkl = broken(tmp_path, pose_pkl, edit)
    with pytest.raises((AnnotationError, ValueError), match=message):
        semi(pkl, **kwargs)


def test_options_of_both_kinds_are_refused(pose_pkl):
    with pytest.raises(ValueError, match='either split \\+ label_ratio'):
        SemiPoseDataset(pose_pkl, [], split='train', label_ratio=0.5,
                        labeled_split='train')
    with pytest.raises(ValueError, match='either split \\+ label_ratio'):
        SemiPoseDataset(pose_pkl, [], split='train')


def test_labeled_part_sampler_takes_the_semi_batches_labeled_clips(pose_pkl):
    ds = semi(pose_pkl)
    full = SemiSupervisedSampler(ds, labeled_batch_size=2, unlabeled_ratio=2,
                                 seed=5)
    part = LabeledPartSampler(ds, labeled_batch_size=2, unlabeled_ratio=2,
                              seed=5)
    full_idx, part_idx = list(full), list(part)
    assert part_idx == [i for i in full_idx if i < ds.num_labeled]
    assert len(part) == len(part_idx) == 2 * len(full) // 6
    # As many batches (optimizer steps) per epoch as the semi-supervised run.
    assert len(part) // 2 == len(full) // 6


def test_msr_graph_layout_is_the_kinect_layout():
    cfg = Config.fromfile(MSR_BASE)
    expected = graph_layout(KINECT_V1_20, 'neck')
    assert cfg.graph_layout['num_node'] == expected['num_node']
    assert cfg.graph_layout['center'] == expected['center']
    assert [tuple(e) for e in cfg.graph_layout['inward']] == \
        expected['inward']
    assert dict(mirror_pairs(KINECT_V1_20))[9] == 10  # wrist a <-> wrist b


def msr_clip(pose_pkl, index=0):
    ds = semi(pose_pkl)
    info = ds.get_data_info(ds.num_labeled + index)
    return dict(info, sample_idx=ds.num_labeled + index)


def test_views_differ_the_clip_and_its_label_do_not(pose_pkl):
    cfg = Config.fromfile(MSR_BASE)
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.train_pipeline])
    clip = msr_clip(pose_pkl)
    source = clip['keypoint'].copy()
    np.random.seed(0)
    packed = pipeline(copy.deepcopy(clip))
    weak, strong = packed['inputs']['weak'], packed['inputs']['strong']
    # [num_clips, M, T, V, C]
    assert weak.shape == strong.shape == (1, 1, cfg.clip_len, 20, 3)
    assert not torch.allclose(weak, strong)
    sample = packed['data_samples']
    assert sample.gt_labels.item.item() == -1
    assert sample.metainfo['true_label'] == clip['true_label']
    assert sample.metainfo['unlabeled_index'] == 0
    np.testing.assert_array_equal(clip['keypoint'], source)
    # Two passes draw other views of the same clip.
    again = pipeline(copy.deepcopy(clip))['inputs']['weak']
    assert not torch.allclose(weak, again)


@pytest.mark.parametrize('cfg', [
    dict(type='RandomSkeletonAffine', rotation=30, scale=(0.8, 1.2),
         shear=0.3),
    dict(type='JointJitter', std=0.05),
    dict(type='RandomJointDropout', joint_prob=0.5, parts=[[0, 1, 2]],
         part_prob=1.0),
    dict(type='RandomTemporalCrop', ratio=(0.3, 0.6)),
    dict(type='SkeletonFlip', pairs=mirror_pairs(KINECT_V1_20),
         flip_ratio=1.0),
])
def test_each_view_transform_changes_the_joints_only(pose_pkl, cfg):
    transform = TRANSFORMS.build(cfg)
    clip = msr_clip(pose_pkl)
    clip['keypoint'][:, :, 5] = 0  # a missing joint stays missing...
    kp = clip['keypoint'].copy()
    np.random.seed(1)
    out = transform(copy.deepcopy(clip))
    assert out['label'] == clip['label']
    assert out['frame_dir'] == clip['frame_dir']
    assert out['keypoint'].shape[0] == 1 and out['keypoint'].shape[2:] == (
        20, 3)
    assert out['total_frames'] == out['keypoint'].shape[1]
    changed = out['keypoint'].shape != kp.shape or not np.allclose(
        out['keypoint'], kp)
    assert changed, cfg['type']
    if cfg['type'] != 'SkeletonFlip':  # ...unless the mirror moves it
        assert (out['keypoint'][:, :, 5] == 0).all()


HEATMAP_BASE = osp.join(REPO_ROOT,
                        'configs/_base_/datasets/pose2d_heatmap_semi.py')


@pytest.fixture(scope='module')
def coco_pkl(tmp_path_factory):
    path = tmp_path_factory.mktemp('pose2d') / 'coco.pkl'
    make_pose_pickle(path, image_shape=(480, 640), num_joints=17)
    return str(path)


def test_dropped_2d_joints_lose_their_score_and_heatmap(coco_pkl):
    cfg = Config.fromfile(HEATMAP_BASE)
    clip = msr_clip(coco_pkl)
    assert clip['keypoint'].shape[-1] == 2 and 'keypoint_score' in clip
    np.random.seed(0)
    drop = TRANSFORMS.build(dict(type='RandomJointDropout', joint_prob=0.5))
    out = drop(copy.deepcopy(clip))
    dropped = (out['keypoint'] == 0).all(axis=(0, 1, 3))
    assert 0 < dropped.sum() < 17
    assert (out['keypoint_score'][:, :, dropped] == 0).all()
    assert (out['keypoint_score'][:, :, ~dropped] > 0).all()
    # Rendered as PoseC3D heatmaps, a dropped joint is an empty channel.
    render = Compose([TRANSFORMS.build(t) for t in cfg.sample + cfg.box +
                      cfg.render])
    heatmaps = render(out)['imgs']  # [1, V, T, H, W]
    assert heatmaps.shape[:3] == (1, 17, cfg.clip_len)
    peak = heatmaps.max(axis=(0, 2, 3, 4))
    assert (peak[dropped] == 0).all() and (peak[~dropped] > 0.5).all()


def test_heatmap_views_differ_the_clip_and_its_label_do_not(coco_pkl):
    cfg = Config.fromfile(HEATMAP_BASE)
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.train_pipeline])
    clip = msr_clip(coco_pkl)
    source = clip['keypoint'].copy()
    np.random.seed(0)
    packed = pipeline(copy.deepcopy(clip))
    weak, strong = packed['inputs']['weak'], packed['inputs']['strong']
    size = cfg.heatmap_size
    assert weak.shape == strong.shape == (1, 17, cfg.clip_len, size, size)
    assert not torch.allclose(weak, strong)
    assert packed['data_samples'].metainfo['true_label'] == \
        clip['true_label']
    np.testing.assert_array_equal(clip['keypoint'], source)
    test = Compose([TRANSFORMS.build(t) for t in cfg.test_pipeline])
    assert test(copy.deepcopy(clip))['inputs'].shape == (1, 17,
                                                         cfg.clip_len, 64,
                                                         64)


def test_flip_swaps_sides_and_mirrors():
    flip = TRANSFORMS.build(
        dict(type='SkeletonFlip', pairs=[(0, 1)], flip_ratio=1.0))
    kp = np.arange(1, 19, dtype=np.float32).reshape(1, 2, 3, 3)
    out = flip(dict(keypoint=kp.copy()))['keypoint']
    np.testing.assert_array_equal(out[:, :, 0, 0], -kp[:, :, 1, 0])
    np.testing.assert_array_equal(out[:, :, 1, 1:], kp[:, :, 0, 1:])
    np.testing.assert_array_equal(out[:, :, 2, 0], -kp[:, :, 2, 0])
    with pytest.raises(ValueError, match='left/right joint pairs'):
        TRANSFORMS.build(dict(type='SkeletonFlip', pairs=[]))


def test_prototype_head_pools_gcn_outputs_like_gcn_head():
    head = MODELS.build(
        dict(type='PrototypeHead', num_classes=4, in_channels=8,
             backbone_name='gcn', normalize=False))
    x = torch.randn(3, 2, 8, 5, 20)  # [N, M, C, T, V]
    feats = head.pool(x)
    assert feats.shape == (3, 8)
    torch.testing.assert_close(feats, x.mean(dim=(1, 3, 4)))
    assert head(x).shape == (3, 4)
    with pytest.raises(ValueError, match="'gcn' for ST-GCN"):
        MODELS.build(
            dict(type='PrototypeHead', num_classes=4,
                 in_channels=8)).pool(x)


@pytest.mark.parametrize('config', ['aplt_stgcn_msr3d', 'aplt_aagcn_msr3d'])
def test_semi_model_trains_on_a_skeleton_batch(pose_pkl, config):
    """The APLT configs' models take a packed skeleton batch end to end."""
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/skeleton', config + '.py'))
    cfg.model.recognizer.cls_head.num_classes = 3
    cfg.model.prototype_head.num_classes = 3
    model = MODELS.build(cfg.model)
    model.offline_schedule_attached = True  # as APLTOfflineHook does
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.train_pipeline])
    ds = semi(pose_pkl)
    batch = pseudo_collate([
        pipeline(dict(ds.get_data_info(i), sample_idx=i)) for i in (0, 6, 7)
    ])
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_sup']) and 'loss_unsup' in losses
    out = model.offline_outputs(data['inputs']['weak'])
    assert out['features'].shape == (3, 64)
    assert out['logits'].shape == (3, 3)


def test_2d_joints_convert_with_scores_and_their_image_size(tmp_path):
    """2-D pixels get what the 2-D configs read (img_shape, a score per
    joint, 0 where missing); without an image size the tool says which
    option to give."""
    clips = tmp_path / 'src' / 'clips'
    clips.mkdir(parents=True)
    rng = np.random.default_rng(0)
    lines = []
    for i, (label, subject) in enumerate([(0, 1), (1, 1), (0, 2)]):
        joints = rng.uniform(20, 200, (6, 20, 2))
        joints[2, 4] = np.nan  # a missing joint
        np.save(clips / f'c{i}.npy', joints)
        lines.append(f'clips/c{i}.npy {label} {subject}\n')
    (tmp_path / 'src' / 'list.txt').write_text(''.join(lines))
    (tmp_path / 'src' / 'classes.txt').write_text('a\nb\n')
    cmd = ['tools/data/skeleton_to_pose.py', '--format', 'numpy', '--src',
           str(tmp_path / 'src'), '--out', str(tmp_path / 'p.pkl'),
           '--train-subjects', '1', '--val-subjects', '']
    proc = run_tool(cmd, check=False)
    assert proc.returncode != 0
    assert 'c0.npy: 2-D joints (pixels) need the size of their images ' \
        '(--img-shape H W)' in proc.stderr
    run_tool(cmd + ['--img-shape', '240', '320'])
    with open(tmp_path / 'p.pkl', 'rb') as f:
        anno = pickle.load(f)['annotations'][0]
    assert anno['keypoint'].shape == (1, 6, 20, 2)
    assert anno['img_shape'] == (240, 320)
    score = anno['keypoint_score']
    assert score.shape == (1, 6, 20) and score.dtype == np.float32
    assert score[0, 2, 4] == 0 and (anno['keypoint'][0, 2, 4] == 0).all()
    assert score.sum() == 6 * 20 - 1


def test_convert_msr_layout_into_a_pose_pickle(tmp_path):
    # Two subjects' worth of MSR-named Real3D files.
    src = tmp_path / 'msr'
    folder = src / 'MSRAction3DSkeletonReal3D'
    folder.mkdir(parents=True)
    (src / 'classes.txt').write_text('wave\nkick\n')
    rng = np.random.default_rng(0)
    for a in (1, 2):
        for s in (1, 2, 3):
            rows = rng.uniform(0.5, 2.5, (6 * 20, 4))
            rows[20:40, :3] = 0  # frame 2 lost tracking
            np.savetxt(folder / f'a{a:02d}_s{s:02d}_e01_skeleton3D.txt', rows)
    out = tmp_path / 'out' / 'msr.pkl'
    run_tool([
        'tools/data/skeleton_to_pose.py', '--format', 'msr_action3d', '--src',
        str(src), '--out', str(out), '--train-subjects', '1,3',
        '--val-subjects', '3'
    ])
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == dict(
        xsub_train=['a01_s01_e01', 'a02_s01_e01'],
        xsub_val=['a01_s03_e01', 'a02_s03_e01'],
        xsub_trainval=['a01_s01_e01', 'a01_s03_e01', 'a02_s01_e01',
                       'a02_s03_e01'],
        xsub_test=['a01_s02_e01', 'a02_s02_e01'])
    anno = data['annotations'][0]
    assert anno['keypoint'].shape == (1, 5, 20, 3)  # the lost frame is out
    assert anno['keypoint'].dtype == np.float32
    assert anno['label'] == 0 and anno['total_frames'] == 5
    assert (out.parent / 'classes.txt').read_text() == 'wave\nkick\n'
    ds = DATASETS.build(
        dict(type='SemiPoseDataset', ann_file=str(out), pipeline=[],
             labeled_split='xsub_train', unlabeled_split='xsub_val',
             num_classes=2))
    assert (ds.num_labeled, ds.num_unlabeled) == (2, 2)


def test_normalize_body_size_scales_the_reference_bone():
    norm = TRANSFORMS.build(dict(type='NormalizeBodySize', bone=(0, 1)))
    kp = np.zeros((1, 3, 4, 3), np.float32)
    kp[0, :, 0] = [0, 1, 0]
    kp[0, :, 1] = [[0, 3, 0], [0, 5, 0], [0, 4, 0]]  # bone lengths 2, 4, 3
    kp[0, :, 2] = 1.5
    out = norm(dict(keypoint=kp.copy(), label=2))
    assert out['label'] == 2
    np.testing.assert_allclose(out['keypoint'], kp / 3)  # the median
    with pytest.raises(ValueError, match='two joint indices'):
        TRANSFORMS.build(dict(type='NormalizeBodySize', bone=(1, 1)))


def test_unlabeled_part_of_a_pose_split_is_named_and_fingerprinted(pose_pkl):
    from aplt_mm.datasets.unlabeled_list import (list_fingerprint,
                                                 unlabeled_list_name)
    ds = semi(pose_pkl, split_seed=3)
    assert unlabeled_list_name(ds) == (
        f"the unlabeled part of {pose_pkl} split 'train' (label_ratio=0.5, "
        'split_seed=3)')
    # Clip ids in order: the same split gives the same fingerprint, another
    # draw of the labeled clips another one.
    assert list_fingerprint(ds) == list_fingerprint(semi(pose_pkl,
                                                         split_seed=3))
    assert list_fingerprint(ds) != list_fingerprint(semi(pose_pkl,
                                                         split_seed=4))
    named = semi(pose_pkl, labeled_split='train', unlabeled_split='val')
    assert unlabeled_list_name(named) == f"{pose_pkl} split 'val'"


def test_a_per_clip_table_fits_only_the_list_it_was_made_for(pose_pkl):
    from aplt_mm.datasets.unlabeled_list import (check_table_fits,
                                                 list_fingerprint,
                                                 unlabeled_list_name)
    ds = semi(pose_pkl, split_seed=3)
    here = (ds.num_unlabeled, list_fingerprint(ds), unlabeled_list_name(ds))
    check_table_fits('T', ds.num_unlabeled, here[1], *here)
    # A checkpoint older than fingerprints (0): the length alone decides.
    check_table_fits('T', ds.num_unlabeled, 0, *here)
    with pytest.raises(ValueError, match=r'^My table was made for another '
                       r'unlabeled list \(1 clips, fingerprint 0\); .*'
                       r'split_seed=3\)\) has 6 clips'):
        check_table_fits('My table', 1, 0, *here)
    reordered = list_fingerprint(semi(pose_pkl, split_seed=4))
    with pytest.raises(ValueError, match=f'fingerprint {reordered}'):
        check_table_fits('T', ds.num_unlabeled, reordered, *here)
