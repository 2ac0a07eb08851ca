"""Several augmented views of one decoded clip."""
import copy
from typing import Dict, List

from mmcv.transforms import BaseTransform, Compose
from mmaction.registry import TRANSFORMS

# The array a view produces, in PackActionInputs' order of preference.
INPUT_KEYS = ('imgs', 'heatmap_imgs', 'keypoint')


@TRANSFORMS.register_module()
class MultiView(BaseTransform):
    """Augment one decoded clip several ways, one pipeline per view.

    The clip is decoded and its frames sampled once, before this transform;
    each view pipeline then gets its own deep copy of the frames (mmaction's
    ``Flip`` works in place) and its own random draws. After this transform,
    ``results[name]`` holds each view's formatted array (its ``imgs``, or
    for skeletons its ``keypoint``) and the source array is dropped; pack
    the views with
    ``PackActionInputs(collect_keys=tuple(views))``, which makes
    ``inputs`` a dict ``{name: tensor}``.

    Typical semi-supervised use: a ``weak`` view (random resized crop +
    flip) and a ``strong`` view (the weak ops + RandAugment applied alike to
    every frame + random erasing). For skeletons the decoded clip is the
    normalised keypoint sequence and each view samples its own frames
    (``configs/_base_/datasets/msr3d_pose_semi.py``).

    Args:
        **views (list[dict]): Keyword per view name; the value is that
            view's list of transform configs, ending in ``FormatShape``.

    Example:
        >>> dict(type='MultiView', weak=weak_ops, strong=strong_ops)
    """

    def __init__(self, **views: List[Dict]) -> None:
        if not views:
            raise ValueError('MultiView needs at least one view pipeline, '
                             'e.g. MultiView(weak=[...], strong=[...]).')
        # Built through mmaction's registry so the views work outside a
        # Runner's default scope too.
        self.views = {
            name: Compose([TRANSFORMS.build(op) for op in ops])
            for name, ops in views.items()
        }
        for name, pipeline in self.views.items():
            for op in pipeline.transforms:
                # A view returns its array only: a label it changes is
                # dropped, so the flipped clip would keep the old label.
                if getattr(op, 'flip_label_map', None):
                    raise ValueError(
                        f'MultiView view {name!r}: {type(op).__name__} '
                        'with flip_label_map changes the label, which a '
                        'view cannot (the views of a clip share one label '
                        'and each draws its own flip). For classes that '
                        'name a side or a direction leave the flip out of '
                        'the views (docs/data_preparation.md, "Horizontal '
                        'flip").')

    def transform(self, results: Dict) -> Dict:
        outputs = {}
        for name, pipeline in self.views.items():
            view = pipeline(copy.deepcopy(results))
            key = next((k for k in INPUT_KEYS if k in view), None)
            if key is None:
                raise KeyError(f'MultiView: view {name!r} produced none of '
                               f'{INPUT_KEYS}')
            outputs[name] = view[key]
            # Shape keys of the first view describe the packed sample.
            for key in ('img_shape', 'input_shape', 'num_clips', 'clip_len'):
                if key in view and key not in outputs:
                    outputs[key] = view[key]
        for key in INPUT_KEYS + ('keypoint_score', ):
            results.pop(key, None)
        results.update(outputs)
        return results

    def __repr__(self) -> str:
        views = ', '.join(f'{k}={v}' for k, v in self.views.items())
        return f'{type(self).__name__}({views})'
