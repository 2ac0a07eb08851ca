"""APLT's memory-based prototype classifier (paper, sections 3.3-3.4)."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmaction.models.heads import BaseHead, FeatureHead
from mmaction.registry import MODELS


@MODELS.register_module()
class PrototypeHead(FeatureHead):
    """Scores clips against one fixed prototype feature per class.

    Pooling follows mmaction's ``FeatureHead`` (per-frame 2-D maps with
    ``num_segs`` for TSN/TSM, NCTHW maps for X3D/SlowOnly/C3D, token
    vectors for TimeSformer, ``(slow, fast)`` tuples with
    ``backbone_name='slowfast'``, ``[N, M, C, T, V]`` skeleton graphs of
    ST-GCN / AAGCN with ``backbone_name='gcn'``: the mean over persons,
    frames and joints, as ``GCNHead``), giving one feature ``F`` per clip. The
    logits are

    .. math:: s_c = F \\cdot \\rho_c / T

    as in Eq. 6-7 (the paper uses the raw dot product: ``normalize=False``,
    ``temperature=1``). By default ``F`` and ``rho`` are L2-normalised and
    ``T = 0.1``: raw ResNet features have norms in the tens, so raw dot
    products saturate the softmax and the margin loss stops teaching; the
    cosine form keeps the logits in a fixed range whatever the backbone.

    When the offline phase clusters in the centered geometry, its mean
    feature ``m`` is installed too and ``F`` is ``pool(x) - m`` before the
    normalisation, so the prototype classifier scores in the space the
    pseudo-labels were made in (``m = 0`` otherwise).

    The prototypes ``rho`` (Eq. 5), the center ``m`` and the per-class
    thresholds of the last offline phase are buffers: checkpoints,
    ``tools/test.py`` and DDP carry them with the weights. The head has no
    parameters; only :class:`APLTOfflineHook` changes its buffers, through
    :meth:`set_prototypes`.

    Args:
        num_classes (int): Number of classes ``C``.
        in_channels (int): Feature dimension ``D`` after pooling (512 for
            ResNet-18, 2048 for ResNet-50, 432 for X3D-S...).
        normalize (bool): L2-normalise features and prototypes. Default True.
        temperature (float): Softmax temperature ``T``. Default 0.1.
        spatial_type, temporal_type, backbone_name, num_segments: Pooling
            options of ``FeatureHead`` (``backbone_name``: ``'tsm'``,
            ``'slowfast'``, ``'gcn'`` or None).
        average_clips (str): How to merge multi-clip test scores
            (``'prob'``, ``'score'`` or None). Default ``'prob'``.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 normalize: bool = True,
                 temperature: float = 0.1,
                 spatial_type: str = 'avg',
                 temporal_type: str = 'avg',
                 backbone_name: Optional[str] = None,
                 num_segments: Optional[int] = None,
                 average_clips: Optional[str] = 'prob',
                 **kwargs) -> None:
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        super().__init__(
            spatial_type=spatial_type,
            temporal_type=temporal_type,
            backbone_name=backbone_name,
            num_segments=num_segments,
            average_clips=average_clips,
            **kwargs)
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.normalize = normalize
        self.temperature = temperature
        self.register_buffer('prototypes', torch.zeros(num_classes,
                                                       in_channels))
        self.register_buffer('thresholds', torch.zeros(num_classes))
        self.register_buffer('center', torch.zeros(in_channels))
        # False until the first offline phase has built prototypes.
        self.register_buffer('initialized', torch.tensor(False))

    def pool(self, x, num_segs: Optional[int] = None) -> torch.Tensor:
        """One raw feature per clip, ``[N, D]`` (what offline phases
        cluster; :meth:`embed` maps it into the scoring space)."""
        feats = super().forward(x, num_segs=num_segs)
        if feats.dim() != 2 or feats.shape[1] != self.in_channels:
            raise ValueError(
                f'{type(self).__name__} pooled features of shape '
                f'{tuple(feats.shape)}, expected [N, {self.in_channels}]: '
                'set in_channels to the backbone output width (and '
                "backbone_name: 'tsm', 'slowfast', or 'gcn' for ST-GCN).")
        return feats

    def embed(self, feats: torch.Tensor) -> torch.Tensor:
        """``F = pool - m``, L2-normalised if configured."""
        feats = feats - self.center
        return F.normalize(feats, dim=1) if self.normalize else feats

    def score(self, feats: torch.Tensor) -> torch.Tensor:
        """Logits ``F . rho / T`` of embedded features, ``[N, C]``."""
        return feats @ self.prototypes.t() / self.temperature

    def forward(self, x, num_segs: Optional[int] = None,
                **kwargs) -> torch.Tensor:
        return self.score(self.embed(self.pool(x, num_segs)))

    # FeatureHead's version returns features; a classifier returns scores.
    predict_by_feat = BaseHead.predict_by_feat

    @torch.no_grad()
    def set_prototypes(self,
                       prototypes: torch.Tensor,
                       thresholds: Optional[torch.Tensor] = None,
                       center: Optional[torch.Tensor] = None) -> None:
        """Install the prototypes (and thresholds, center: zero if None) of
        an offline phase."""
        if prototypes.shape != self.prototypes.shape:
            raise ValueError(f'prototypes must have shape '
                             f'{tuple(self.prototypes.shape)}, got '
                             f'{tuple(prototypes.shape)}')
        if self.normalize:
            prototypes = F.normalize(prototypes, dim=1)
        self.prototypes.copy_(prototypes)
        if thresholds is not None:
            self.thresholds.copy_(thresholds)
        if center is None:
            self.center.zero_()
        else:
            self.center.copy_(center)
        self.initialized.fill_(True)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Checkpoints from before the center existed scored uncentered.
        state_dict.setdefault(prefix + 'center', torch.zeros_like(
            self.center))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
