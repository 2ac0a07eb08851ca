# Option sets of ClusteringLabeler (model.offline_labeler), used as
# `offline_labeler={{_base_.paper_labeler}}` or `{{_base_.robust_labeler}}`.
# Both name the same keys, so one replaces the other when merged.
# The paper's section 3.3: cosine geometry, strong copies of the labeled
# clips as anchors (LA), seeded k-means with nearest-centroid assignment,
# Eq. 4's self-adaptive thresholds (SAT).
paper_labeler = dict(
    type='ClusteringLabeler',
    geometry='l2',
    labeled_aug='anchors',
    clustering='seeded_kmeans',
    assignment='nearest',
    prior='labeled',
    selection='eq4')
# APLT-robust (docs/benchmarks.md has the measurements): the paper's
# geometry and labeled-augmentation with a balanced Sinkhorn assignment
# (class shares of the labeled split) that resists collapse, keeping the
# pseudo-labels on which the clustering and the parametric classifier agree.
robust_labeler = dict(
    type='ClusteringLabeler',
    geometry='l2',
    labeled_aug='anchors',
    clustering='seeded_kmeans',
    assignment='sinkhorn',
    prior='labeled',
    selection='agreement')
