"""tools/infer.py on an APLT checkpoint trained for one epoch."""
import importlib.util
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

from conftest import REPO_ROOT, run_tool, tiny_cfg_options

# Its module fixture trains once: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group('infer')

TOOL = osp.join(REPO_ROOT, 'tools', 'infer.py')
APLT = osp.join(REPO_ROOT, 'configs', 'aplt_r18_demo.py')
CLASSES = ['nod', 'shake', 'tilt']


def model_options(num_classes):
    return [
        f'model.recognizer.cls_head.num_classes={num_classes}',
        f'model.prototype_head.num_classes={num_classes}'
    ]


@pytest.fixture(scope='module')
def trained(tiny_data, tmp_path_factory):
    """One APLT epoch with an offline phase after it (prototypes exist)."""
    root = tmp_path_factory.mktemp('infer')
    work_dir = root / 'work'
    opts = tiny_cfg_options(
        tiny_data, work_dir, max_epochs=1
    ) + [
        f'train_dataloader.dataset.ann_file={tiny_data["labeled"]}',
        'train_dataloader.dataset.unlabeled_ann_file='
        f'{tiny_data["unlabeled"]}',
        'train_dataloader.sampler.labeled_batch_size=2',
        'train_dataloader.sampler.unlabeled_ratio=2',
        'train_dataloader.batch_size=6',
        'custom_hooks.0.warmup_epochs=1',
        'custom_hooks.0.final_phase=True',
        'custom_hooks.0.num_workers=0',
    ] + model_options(tiny_data['num_classes'])
    run_tool(['tools/train.py', APLT, '--cfg-options', *opts])
    classes = root / 'classes.txt'
    classes.write_text('\n'.join(CLASSES) + '\n')
    with open(tiny_data['test']) as f:
        rel, label = f.readline().split()
    return dict(
        checkpoint=str(work_dir / 'epoch_1.pth'),
        classes=str(classes),
        video=osp.join(tiny_data['videos'], rel),
        label=int(label),
        num_classes=tiny_data['num_classes'])


def load_tool():
    spec = importlib.util.spec_from_file_location('infer_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse(stdout):
    """(rank, class id, name, score) rows of the tool's output."""
    rows = []
    for line in stdout.splitlines():
        if line and line[0].isdigit():
            rank, cls, *name, score = line.split()
            rows.append((int(rank), int(cls), ' '.join(name), float(score)))
    return rows


def expected_scores(trained, head):
    """Class scores of the video with ``head``, computed by hand."""
    cfg = Config.fromfile(APLT)
    cfg.merge_from_dict({
        key: int(value)
        for key, value in (o.split('=')
                           for o in model_options(trained['num_classes']))
    })
    model = MODELS.build(cfg.model)
    model.load_state_dict(
        torch.load(trained['checkpoint'], weights_only=True)['state_dict'])
    model.eval()
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.test_pipeline])
    batch = pseudo_collate([
        pipeline(
            dict(
                filename=trained['video'],
                label=-1,
                start_index=0,
                modality='RGB'))
    ])
    with torch.no_grad():
        data = model.data_preprocessor(batch, False)
        feats, kwargs = model.extract_feat(data['inputs'], test_mode=True)
        if head == 'prototype_head':
            return model.prototype_head(feats, **kwargs).softmax(-1)[0]
        # TSNHead's average_clips='prob': softmax of the clip's logits.
        return model.recognizer.cls_head(feats, **kwargs).softmax(-1)[0]


def test_topk_with_class_names(trained):
    proc = run_tool([
        TOOL, APLT, trained['checkpoint'], trained['video'], '--topk', '2',
        '--classes', trained['classes'], '--cfg-options',
        *model_options(trained['num_classes'])
    ])
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f'# {trained["video"]}: top-2 of 3 classes')
    assert 'prototype_head' in lines[0]
    rows = parse(proc.stdout)
    assert [r[0] for r in rows] == [1, 2]
    assert all(name == CLASSES[cls] for _, cls, name, _ in rows)
    # The prototype classifier's scores (APLT's prediction path), best
    # first.
    scores = expected_scores(trained, 'prototype_head')
    best = scores.argsort(descending=True)[:2].tolist()
    assert [r[1] for r in rows] == best
    assert [r[3] for r in rows] == pytest.approx(
        scores[best].tolist(), abs=1e-4)


def test_predict_with_the_parametric_head(trained, capsys):
    tool = load_tool()
    tool.main([
        APLT, trained['checkpoint'], trained['video'], '--topk', '10',
        '--predict-with', 'cls_head', '--cfg-options',
        *model_options(trained['num_classes'])
    ])
    out = capsys.readouterr().out
    assert 'top-3 of 3 classes (APLTRecognizer, cls_head)' in out
    rows = parse(out)
    assert [r[2] for r in rows] == ['-', '-', '-']  # no class map
    scores = expected_scores(trained, 'cls_head')
    assert sorted(r[1] for r in rows) == [0, 1, 2]
    assert [r[3] for r in rows] == pytest.approx(
        sorted(scores.tolist(), reverse=True), abs=1e-4)
    assert sum(r[3] for r in rows) == pytest.approx(1.0, abs=1e-3)


def test_missing_video_is_a_clear_error(trained, tmp_path, capsys):
    missing = str(tmp_path / 'no_such_clip.mp4')
    with pytest.raises(SystemExit) as error:
        load_tool().main([APLT, trained['checkpoint'], missing])
    # sys.exit(message): exit status 1, the message on stderr, no traceback.
    assert error.value.code == f'infer.py: error: video not found: {missing}'
    assert capsys.readouterr().out == ''


def test_other_errors_name_the_file(trained, tmp_path):
    tool = load_tool()
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not a video')
    opts = ['--cfg-options', *model_options(trained['num_classes'])]
    with pytest.raises(SystemExit, match=f'cannot decode video {broken}'):
        tool.main([APLT, trained['checkpoint'], str(broken)] + opts)
    # The config's 12 classes do not fit the 3-class checkpoint.
    with pytest.raises(SystemExit, match='does not fit the model of'):
        tool.main([APLT, trained['checkpoint'], trained['video']])
    with pytest.raises(SystemExit, match='checkpoint not found'):
        tool.main([APLT, str(tmp_path / 'x.pth'), trained['video']])
    supervised = osp.join(REPO_ROOT, 'configs', 'supervised_r18_demo.py')
    with pytest.raises(
            SystemExit, match='--predict-with needs an '
            'APLTRecognizer'):
        tool.main([
            supervised, trained['checkpoint'], trained['video'],
            '--predict-with', 'cls_head'
        ])
