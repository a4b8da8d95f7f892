"""The day model fitted with statsmodels directly, built here from the daily frames with pandas'
own dummies, so that the comparison's figures are checked against an independent construction
of the same model: weekday effects (two cycles, segments), or one effect per date (the variants
of a randomized split, paired by day)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit


def frame(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Both cycles' days (indexed by date) with a cycle column and their weekday."""
    both = pd.concat([a.assign(cycle=0.0), b.assign(cycle=1.0)])
    return both.assign(weekday=pd.to_datetime(both.index).day_of_week)


def matrix(both: pd.DataFrame, block: str = "weekday") -> pd.DataFrame:
    level = both.weekday if block == "weekday" else pd.Series(pd.to_datetime(both.index))
    dummies = pd.get_dummies(level, prefix=block, drop_first=True, dtype=float)
    x = pd.concat([both[["cycle"]], dummies.set_axis(both.index)], axis=1)
    return sm.add_constant(x, prepend=True)[["const", "cycle", *dummies.columns]]


def fit(a: pd.DataFrame, b: pd.DataFrame, y: str, trials: str | None = None,
        offset: str | None = None, money: bool = False,
        block: str = "weekday"):  # type: ignore[no-untyped-def]  # fmt: skip
    """Return the fitted quasi model: Pearson scale, at least 1 unless money; t where estimated
    (block "day": one term per date instead of per weekday)."""
    both = frame(a, b)
    x = matrix(both, block)
    if trials is not None:
        endog = np.column_stack([both[y], both[trials] - both[y]])
        model = sm.GLM(endog, x.to_numpy(), family=sm.families.Binomial())
    else:
        log_offset = None if offset is None else np.log(both[offset].to_numpy(dtype=float))
        model = sm.GLM(both[y].to_numpy(dtype=float), x.to_numpy(),
                       family=sm.families.Poisson(), offset=log_offset)  # fmt: skip
    first = model.fit()
    pearson = first.pearson_chi2 / first.df_resid
    estimated = money or pearson > 1
    return model.fit(scale=pearson if estimated else 1.0, use_t=estimated)


def share_change(res, both: pd.DataFrame, trials: str, effect: float,  # type: ignore[no-untyped-def]
                 block: str = "weekday") -> float:  # fmt: skip
    """Expected events of every day of both cycles with a cycle effect over those without, − 1."""
    x = matrix(both, block).to_numpy()
    eta = x[:, [0, *range(2, x.shape[1])]] @ np.delete(res.params, 1)
    n = both[trials].to_numpy(dtype=float)
    return float((n * expit(eta + effect)).sum() / (n * expit(eta)).sum() - 1)
