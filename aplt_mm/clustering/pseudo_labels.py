"""One offline labeling: pooled features in, pseudo-labels and prototypes out.

:func:`cluster_pseudo_labels` composes section 3.3 from its parts, each an
option: the feature geometry (:mod:`.geometry`), how the labeled strong
copies take part (labeled-augmentation), semi-supervised clustering with a
nearest-centroid (:mod:`.seeded_kmeans`) or balanced (:mod:`.balanced`)
assignment step, the selection rule (:mod:`.selection`) and the prototypes
of Eq. 5 (:mod:`.prototypes`).
"""
from typing import NamedTuple, Optional

import torch
from torch import Tensor

from ..utils import check_keys
from .balanced import balanced_seeded_kmeans
from .geometry import GEOMETRIES, prepare, sq_distances
from .kmeans import kmeans, match_clusters_to_classes
from .prototypes import (build_prototypes, check_features, check_labels,
                         check_positive, class_sums)
from .seeded_kmeans import seeded_kmeans
from .selection import RANK_BY, SELECTIONS, select_pseudo_labels

LABELED_AUG = ('off', 'anchors', 'init', 'aligned')
CLUSTERINGS = ('seeded_kmeans', 'kmeans')
ASSIGNMENTS = ('nearest', 'sinkhorn')
PRIORS = ('uniform', 'labeled')

#: The paper's choices where it is explicit (section 3.3); the geometry is
#: the cosine one the prototype classifier uses.
PAPER_OPTIONS = dict(
    geometry='l2',
    labeled_aug='anchors',
    clustering='seeded_kmeans',
    assignment='nearest',
    selection='eq4')

#: The recommended options (docs/benchmarks.md has the measurements): the
#: paper's geometry and labeled-augmentation, with a balanced assignment
#: (class shares of the stratified labeled split) that resists collapse, and
#: the pseudo-labels on which clustering and the parametric classifier
#: agree. Each change was measured alone and together on two datasets
#: (demo video, MSR Action3D skeletons); centering and the LA variants
#: were not better everywhere, so the paper's choices stay.
RECOMMENDED_OPTIONS = dict(
    geometry='l2',
    labeled_aug='anchors',
    clustering='seeded_kmeans',
    assignment='sinkhorn',
    prior='labeled',
    selection='agreement')

#: Every option of :func:`cluster_pseudo_labels` with its default.
DEFAULT_OPTIONS = dict(
    RECOMMENDED_OPTIONS,
    fraction=0.5,
    rank_by='margin',
    temperature=0.05,
    max_iter=100,
    seed=0)

_CHOICES = dict(
    geometry=GEOMETRIES,
    labeled_aug=LABELED_AUG,
    clustering=CLUSTERINGS,
    assignment=ASSIGNMENTS,
    selection=SELECTIONS,
    prior=PRIORS,
    rank_by=RANK_BY)


class PseudoLabels(NamedTuple):
    """Output of :func:`cluster_pseudo_labels` (unlabeled order).

    Attributes:
        assignments: ``[Nu]`` int64 class each clip was clustered into.
        keep: ``[Nu]`` bool, True where the selection rule keeps it.
        prototypes: ``[C, D]`` Eq. 5 in the clustering geometry: per class,
            the mean of the clean labeled and the kept unlabeled features.
        center: ``[D]`` mean subtracted by ``geometry='center_l2'``, else
            None. Scoring new clips against ``prototypes`` needs it.
        thresholds: ``[C]`` the selection rule's per-class cut.
        distances: ``[Nu]`` distance to the assigned centroid.
        nearest_mean: ``[Nu]`` int64 nearest clean labeled class mean: the
            floor clustering must not fall below.
        num_iters: Assignment steps run.
        converged: Whether the last step reproduced the previous one.
    """
    assignments: Tensor
    keep: Tensor
    prototypes: Tensor
    center: Optional[Tensor]
    thresholds: Tensor
    distances: Tensor
    nearest_mean: Tensor
    num_iters: int
    converged: bool


def check_options(options: Optional[dict], where: str) -> dict:
    """``options`` completed with the defaults; unknown names or values
    raise naming ``where``."""
    opts = dict(DEFAULT_OPTIONS, **check_keys(options, DEFAULT_OPTIONS, where))
    for key, choices in _CHOICES.items():
        if opts[key] not in choices:
            raise ValueError(
                f'{where}.{key} must be one of {choices}, got {opts[key]!r}')
    if not 0 < opts['fraction'] <= 1:
        raise ValueError(
            f'{where}.fraction must be in (0, 1], got {opts["fraction"]}')
    if not opts['temperature'] > 0:
        raise ValueError(f'{where}.temperature must be > 0, got '
                         f'{opts["temperature"]}')
    check_positive(opts['max_iter'], f'{where}.max_iter')
    if opts['clustering'] == 'kmeans' and opts['assignment'] != 'nearest':
        raise ValueError(f"{where}: clustering='kmeans' (the KM ablation) "
                         "supports assignment='nearest' only")
    return opts


def cluster_pseudo_labels(labeled_feats: Tensor,
                          labeled_labels: Tensor,
                          unlabeled_feats: Tensor,
                          num_classes: int,
                          augmented_feats: Optional[Tensor] = None,
                          augmented_labels: Optional[Tensor] = None,
                          classifier_logits: Optional[Tensor] = None,
                          **options) -> PseudoLabels:
    """Pseudo-label unlabeled clips by semi-supervised clustering (3.3).

    Steps, each configured by an option (defaults:
    :data:`DEFAULT_OPTIONS`, the recommended ones; the paper's literal
    choices are :data:`PAPER_OPTIONS`):

    1. ``geometry``: ``'raw'``, ``'l2'`` or ``'center_l2'``
       (:mod:`aplt_mm.clustering.geometry`).
    2. ``labeled_aug``, how the strong copies of labeled clips take part:
       ``'off'`` (ignored); ``'anchors'`` (the paper: they join the
       anchors, in the initial means and every update; a copy far from its
       clean clip drags its centroid away from the clean clips);
       ``'init'`` (only in the initial means); ``'aligned'`` (anchors,
       after shifting the copies of each class so that their mean is the
       class's clean labeled mean: the copies keep their spread but cannot
       move a centroid; for the means that k-means computes this amounts to
       weighting each labeled clip ``1 + copies`` times).
    3. ``clustering``: ``'seeded_kmeans'`` (SSKM: centroids start at the
       labeled class means, labeled anchors count in every update) or
       ``'kmeans'`` (KM ablation: plain k-means on everything, clusters
       matched to classes on the anchors); ``assignment``: ``'nearest'``
       (paper) or ``'sinkhorn'`` (balanced to ``prior``: ``'uniform'`` or
       the ``'labeled'`` class frequencies; ``temperature`` is its entropic
       softness), ``max_iter`` steps at most, ``seed`` for its subsample.
    4. ``selection``: ``'eq4'`` (paper), ``'freematch'``, ``'ranked'`` (with
       ``fraction`` and ``rank_by``), ``'agreement'`` (with the parametric
       classifier: needs ``classifier_logits``) or ``'all'``
       (:mod:`aplt_mm.clustering.selection`).
    5. Eq. 5 prototypes from the clean labeled and kept unlabeled features.

    Args:
        labeled_feats: ``[Nl, D]`` pooled features of the labeled clips
            (clean view), before any normalisation.
        labeled_labels: ``[Nl]`` int64 labels; every class needs one.
        unlabeled_feats: ``[Nu, D]`` pooled unlabeled features.
        num_classes: ``C``.
        augmented_feats: ``[Na, D]`` strong copies of labeled clips, or None.
        augmented_labels: ``[Na]`` their labels.
        classifier_logits: ``[Nu, C]`` the parametric classifier's logits
            on the unlabeled clips (``selection='agreement'``).
        **options: See above; an unknown name or value raises.
    """
    opts = check_options(options, 'cluster_pseudo_labels')
    check_positive(num_classes, 'num_classes')
    named = dict(labeled_feats=labeled_feats, unlabeled_feats=unlabeled_feats)
    if (augmented_feats is None) != (augmented_labels is None):
        raise ValueError('augmented_feats and augmented_labels go together')
    if augmented_feats is not None:
        named['augmented_feats'] = augmented_feats
    if classifier_logits is not None and tuple(classifier_logits.shape) != (
            len(unlabeled_feats), num_classes):
        raise ValueError(
            f'classifier_logits must have shape [{len(unlabeled_feats)}, '
            f'{num_classes}], got {tuple(classifier_logits.shape)}')
    for name, feats in named.items():
        check_features(feats, name)
        if feats.shape[1] != labeled_feats.shape[1]:
            raise ValueError(f'{name} has dimension {feats.shape[1]} but '
                             f'labeled_feats has {labeled_feats.shape[1]}')
        bad = (~torch.isfinite(feats).all(1)).sum()
        if bad:
            raise ValueError(f'{name} has {int(bad)} rows with NaN or Inf')
    check_labels(labeled_labels, len(labeled_feats), num_classes,
                 'labeled_labels', labeled_feats.device)
    missing = sorted(
        set(range(num_classes)) - set(labeled_labels.unique().tolist()))
    if missing:
        raise ValueError(f'classes {missing} have no labeled clip to anchor '
                         'their cluster')
    use_aug = augmented_feats is not None and opts['labeled_aug'] != 'off'
    if use_aug:
        check_labels(augmented_labels, len(augmented_feats), num_classes,
                     'augmented_labels', labeled_feats.device)

    # 1. Geometry.
    center, lab, unl, aug = prepare(labeled_feats, unlabeled_feats,
                                    opts['geometry'],
                                    augmented_feats if use_aug else None)
    # 2. Labeled-augmentation.
    anchors, anchor_labels, init = lab, labeled_labels, None
    if use_aug:
        if opts['labeled_aug'] == 'aligned':
            aug = aug + (_class_means(lab, labeled_labels, num_classes) -
                         _class_means(aug, augmented_labels, num_classes)
                         )[augmented_labels]
        both = torch.cat([lab, aug])
        both_labels = torch.cat([labeled_labels, augmented_labels])
        if opts['labeled_aug'] == 'init':
            init = _class_means(both, both_labels, num_classes)
        else:
            anchors, anchor_labels = both, both_labels
    # 3. Cluster.
    counts = torch.bincount(labeled_labels, minlength=num_classes)
    nearest_mean = sq_distances(
        unl, _class_means(lab, labeled_labels, num_classes)).argmin(1)
    if opts['clustering'] == 'kmeans':
        clusters = kmeans(torch.cat([anchors, unl]), num_classes,
                          max_iter=opts['max_iter'], seed=opts['seed'])
        to_class = match_clusters_to_classes(
            clusters.assignments[:len(anchors)], anchor_labels, num_classes,
            num_classes)
        centroids = torch.empty_like(clusters.centroids)
        centroids[to_class] = clusters.centroids
        assignments = to_class[clusters.assignments[len(anchors):]]
        distances = clusters.distances[len(anchors):]
    else:
        if opts['assignment'] == 'sinkhorn':
            prior = torch.ones(num_classes, dtype=torch.float64) \
                if opts['prior'] == 'uniform' else counts.double().cpu()
            clusters = balanced_seeded_kmeans(
                anchors, anchor_labels, unl, num_classes,
                prior / prior.sum(), opts['temperature'], opts['max_iter'],
                init_centroids=init, seed=opts['seed'])
        else:
            clusters = seeded_kmeans(anchors, anchor_labels, unl,
                                     num_classes, opts['max_iter'],
                                     init_centroids=init)
        centroids, assignments = clusters.centroids, clusters.assignments
        distances = clusters.distances
    # 4. Select.
    needs_all = opts['selection'] == 'freematch' or (
        opts['selection'] == 'ranked' and opts['rank_by'] == 'margin')
    selection = select_pseudo_labels(
        opts['selection'], assignments, distances, num_classes,
        sq_distances(unl, centroids) if needs_all else None,
        opts['fraction'], opts['rank_by'], opts['temperature'],
        classifier_logits)
    # 5. Prototypes (Eq. 5).
    keep = selection.keep
    prototypes, _ = build_prototypes(
        torch.cat([lab, unl[keep]]),
        torch.cat([labeled_labels, assignments[keep]]), num_classes)
    return PseudoLabels(assignments, keep, prototypes, center,
                        selection.thresholds, distances, nearest_mean,
                        clusters.num_iters, clusters.converged)


def _class_means(feats: Tensor, labels: Tensor, num_classes: int) -> Tensor:
    """``[C, D]`` per-class means (0 for a class without a row)."""
    sums, counts = class_sums(feats, labels, num_classes)
    return (sums / counts.clamp_min(1).unsqueeze(1)).to(feats.dtype)
