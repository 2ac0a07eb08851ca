"""Tiny pose pickles for the skeleton tests: random-walk joint sequences."""
import pickle

import numpy as np

NUM_JOINTS = 20  # Kinect v1, the layout of the MSR Action3D configs


def random_walk(rng, label, num_frames, num_joints=NUM_JOINTS):
    """``[1, T, V, 3]``: a standing body whose joints drift, plus a
    class-dependent sway, so that classes differ."""
    base = rng.normal(0, 0.3, (num_joints, 3)) + [0, 0, 2.5]
    steps = rng.normal(0, 0.01, (num_frames, num_joints, 3)).cumsum(0)
    t = np.arange(num_frames)[:, None, None] / num_frames
    sway = 0.2 * np.sin(2 * np.pi * (label + 1) * t) * [1, 0, 0]
    return (base + steps + sway)[None].astype(np.float32)


def make_pose_pickle(path, num_classes=3, per_split=None, seed=0,
                     image_shape=None, num_joints=NUM_JOINTS):
    """Write a pose pickle with splits ``train`` / ``val`` / ``test``.

    Args:
        per_split (dict): clips per class in each split; default 4 / 1 / 1.
        image_shape (tuple, optional): ``(h, w)``: write what a 2-D pose
            estimator gives instead of 3-D joints: ``keypoint``
            ``[1, T, V, 2]`` in pixels of that image, ``keypoint_score``
            and ``img_shape``.

    Returns:
        dict: The pickle's content.
    """
    per_split = per_split or dict(train=4, val=1, test=1)
    rng = np.random.default_rng(seed)
    splits, annotations = {}, []
    for split, per_class in per_split.items():
        splits[split] = []
        for label in range(num_classes):
            for i in range(per_class):
                name = f'{split}_c{label}_{i}'
                keypoint = random_walk(rng, label, int(rng.integers(8, 30)),
                                       num_joints)
                anno = dict(frame_dir=name, label=label,
                            total_frames=keypoint.shape[1])
                if image_shape is not None:
                    h, w = image_shape
                    keypoint = keypoint[..., :2] * h / 4 + [w / 2, h / 2]
                    anno.update(img_shape=tuple(image_shape),
                                keypoint_score=rng.uniform(
                                    0.5, 1, keypoint.shape[:3]).astype(
                                        np.float32))
                anno['keypoint'] = keypoint.astype(np.float32)
                annotations.append(anno)
                splits[split].append(name)
    data = dict(split=splits, annotations=annotations)
    save_pose_pickle(data, path)
    return data


def save_pose_pickle(data, path):
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return str(path)


def pose_cfg_options(ann_file, work_dir, num_classes=3, max_epochs=1):
    """--cfg-options pointing an MSR skeleton config at a tiny pickle."""
    opts = [
        f'work_dir={work_dir}',
        f'train_dataloader.dataset.ann_file={ann_file}',
        'train_dataloader.dataset.split=train',
        'train_dataloader.dataset.label_ratio=0.5',
        f'train_dataloader.dataset.num_classes={num_classes}',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_cfg.max_epochs={max_epochs}',
        'train_cfg.val_interval=1',
        'default_hooks.logger.interval=1',
    ]
    for split in ('val', 'test'):
        opts += [
            f'{split}_dataloader.dataset.ann_file={ann_file}',
            f'{split}_dataloader.dataset.split={split}',
            f'{split}_dataloader.dataset.num_classes={num_classes}',
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
        ]
    return opts
