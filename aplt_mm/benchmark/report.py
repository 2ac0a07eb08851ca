"""The benchmark's outputs: ``results.json``, ``results.md``, figures."""
import json
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..analysis import plots, report
from .plan import pct


def make_figures(runs: List[Dict[str, Any]], out: str,
                 ratios: Sequence[float], seed: int,
                 compare: Optional[Tuple[str, str]],
                 class_names: List[str]) -> Dict[str, Dict[str, str]]:
    """PNGs of the first seed per ratio, and a confusion matrix per run.

    Returns:
        dict: ``pseudo_labels`` and ``per_class`` (``'<ratio> labels,
        seed <s>'`` -> path; the paper's Fig. 2b and Fig. 4 left) and
        ``confusion`` (run name -> path); paths relative to ``out``.
    """
    figures = dict(pseudo_labels={}, per_class={}, confusion={})
    for ratio in ratios:
        at_ratio = {
            run['method']: run
            for run in runs if run['ratio'] == ratio and run['seed'] == seed
            and not run['reference']
        }
        label = f'{report.ratio_label(ratio)} labels, seed {seed}'
        semi = [(name, run) for name, run in at_ratio.items()
                if plots.has_pseudo_label_stats(run)]
        if semi:
            path = f'pseudo_labels_{pct(ratio)}p.png'
            plots.plot_pseudo_labels(
                semi, osp.join(out, path),
                title=f'Pseudo-labels during training ({label})')
            figures['pseudo_labels'][label] = path
        if compare:
            path = f'per_class_{pct(ratio)}p.png'
            plots.plot_per_class(
                [at_ratio[name]['test']['per_class_acc'] for name in compare],
                compare, class_names, osp.join(out, path),
                title=f'Per-class test accuracy ({label})')
            figures['per_class'][label] = path
    for run in runs:
        path = osp.join('confusion', f'{run["name"]}.png')
        test = run['test']
        plots.plot_confusion(
            test['confusion_matrix'], class_names, osp.join(out, path),
            title=f'{run["name"]}: top-1 {100 * test["top1"]:.1f}%, '
            f'F1_mean {100 * test["f1_mean"]:.1f}%')
        figures['confusion'][run['name']] = path
    return figures


def write(results: Dict[str, Any], out: str) -> None:
    """Write ``results.json`` and ``results.md`` into ``out``."""
    os.makedirs(out, exist_ok=True)
    with open(osp.join(out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    with open(osp.join(out, 'results.md'), 'w') as f:
        f.write(report.render_markdown(results))
