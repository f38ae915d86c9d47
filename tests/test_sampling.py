"""Parameter draws: the fast beta inverse CDF agrees with scipy's exact one."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from sim.engine.sampling import beta_ppf

SHAPES = [0.3, 0.5, 1, 2, 3, 18, 100, 1000, 12000]
# random() gives multiples of 2**-53 in [0, 1): its smallest, largest and some in between
EDGES = np.array([0.0, 2.0**-53, 1e-12, 1e-6, 0.5, 1 - 1e-9, 1 - 2.0**-53])


@pytest.mark.parametrize("a", SHAPES)
@pytest.mark.parametrize("b", SHAPES)
def test_beta_inverse_cdf_matches_scipy_to_one_part_in_ten_million(a, b):
    uniform = np.concatenate([np.random.default_rng(7).random(20_000), EDGES])
    exact = special.betaincinv(a, b, uniform)
    fast = beta_ppf(uniform, a, b)
    np.testing.assert_allclose(fast, exact, rtol=1e-7, atol=1e-300)


def test_beta_inverse_cdf_keeps_the_order_of_the_uniforms():
    """Common random numbers: a larger uniform never gives a smaller value."""
    uniform = np.sort(np.random.default_rng(8).random(50_000))
    assert (np.diff(beta_ppf(uniform, 2, 6)) >= 0).all()
