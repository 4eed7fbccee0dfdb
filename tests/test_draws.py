"""The counter-based random numbers: Philox4x64-10 against numpy's, and what it promises."""

import numpy as np
import pytest

from model.inputs.scenario import load_scenario
from model.mesa_model.network_model import TrustNetworkModel
from model.process import draws
from model.process.compiled import python_entry
from model.process.draws import CONTACT, MEMBER, block_keys, philox, poisson_cdf, run_key, uniforms


@pytest.mark.parametrize("key", [(0, 0), (5, 9), (2**64 - 1, 2**63 + 12345)])
@pytest.mark.parametrize("counter", [(0, 0, 0, 0), (10, 3, 7, 1), (2**64 - 2, 2**64 - 1, 5, 2**40)])
def test_philox_words_equal_numpys(key, counter):
    """Known answers: numpy.random.Philox (Philox4x64-10) with the same key gives the same four
    words for the counter after the one it is started at (it steps its counter first)."""
    value = sum(c << (64 * k) for k, c in enumerate(counter))
    start = [((value - 1) % 2**256 >> (64 * k)) % 2**64 for k in range(4)]  # numpy steps its counter first
    expected = np.random.Philox(key=np.array(key, dtype=np.uint64),
                                counter=np.array(start, dtype=np.uint64)).random_raw(4)
    words = philox(*(np.uint64(c) for c in counter), np.uint64(key[0]), np.uint64(key[1]))
    assert [int(w) for w in words] == [int(e) for e in expected]


def test_philox_published_known_answer():
    """Random123's known-answer vector for philox4x64-10 with zero counter and key."""
    z = np.uint64(0)
    assert [hex(int(w)) for w in philox(z, z, z, z, z, z)] == [
        "0x16554d9eca36314c", "0xdb20fe9d672d0fdc", "0xd7e772cee186176b", "0x7e68b68aec7ba23b"]


def test_uniforms_equal_numpys_random_with_philox():
    key = np.array([123456789, 987654321], dtype=np.uint64)
    for week, purpose, i, j in ((1, MEMBER, 3, 0), (156, CONTACT, 7, 2)):
        counter = np.array([week - 1, purpose, i, j], dtype=np.uint64)
        expected = np.random.Generator(np.random.Philox(key=key, counter=counter)).random(4)
        assert list(uniforms(key, week, purpose, i, j)) == list(expected)


def test_keys_come_from_the_runs_own_generator():
    model = TrustNetworkModel(scenario=load_scenario("x"), rng=42, collect=False)
    np.testing.assert_array_equal(model.keys[0], run_key(np.random.default_rng(42)))
    np.testing.assert_array_equal(block_keys([42, 43])[0], model.keys[0])
    assert not np.array_equal(block_keys([42, 43])[0], block_keys([42, 43])[1])


def test_poisson_quantile_inverts_the_cdf():
    poisson_quantile = python_entry(draws.poisson_quantile)
    cdf = poisson_cdf(0.8, 60)
    assert cdf[-1] == pytest.approx(1.0) and np.all(np.diff(cdf) >= 0)
    assert poisson_quantile(0.0, cdf) == 0
    assert poisson_quantile(float(cdf[0]), cdf) == 1
    assert poisson_quantile(float(np.nextafter(cdf[2], 0)), cdf) == 2
    rng = np.random.default_rng(1)
    counts = [poisson_quantile(u, cdf) for u in rng.random(20000)]
    assert np.mean(counts) == pytest.approx(0.8, abs=0.03)
    assert poisson_cdf(0.0, 10)[0] == 1.0
    with pytest.raises(TypeError, match="python_entry"):  # a kernel function is not callable from Python
        draws.poisson_quantile(0.5, cdf)
