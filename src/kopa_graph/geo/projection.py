"""ETRS-TM35FIN (EPSG:3067): the transverse Mercator projection of the GRS80 ellipsoid on the central
meridian 27°E, scale 0.9996, false easting 500 000 m, the Finnish convention for maps of the whole country.

The formulas are Krüger's series to the fourth power of the third flattening ``n``, as the Finnish public
administration's recommendation JHS 197 (annex 3, "EUREF-FIN-koordinaattijärjestelmät ...") and JHS 154 give
them; their error is well under a millimetre inside Finland.
"""

from __future__ import annotations

import cmath
import math

A = 6378137.0  # GRS80 semi-major axis, metres
F = 1 / 298.257222101  # GRS80 flattening
K0 = 0.9996
LON0 = math.radians(27.0)
FALSE_EASTING = 500000.0

_N = F / (2 - F)
_E = math.sqrt(F * (2 - F))
_A1 = A / (1 + _N) * (1 + _N ** 2 / 4 + _N ** 4 / 64)
_FORWARD = (
    _N / 2 - 2 / 3 * _N ** 2 + 5 / 16 * _N ** 3 + 41 / 180 * _N ** 4,
    13 / 48 * _N ** 2 - 3 / 5 * _N ** 3 + 557 / 1440 * _N ** 4,
    61 / 240 * _N ** 3 - 103 / 140 * _N ** 4,
    49561 / 161280 * _N ** 4,
)
_INVERSE = (
    _N / 2 - 2 / 3 * _N ** 2 + 37 / 96 * _N ** 3 - 1 / 360 * _N ** 4,
    1 / 48 * _N ** 2 + 1 / 15 * _N ** 3 - 437 / 1440 * _N ** 4,
    17 / 480 * _N ** 3 - 37 / 840 * _N ** 4,
    4397 / 161280 * _N ** 4,
)


def to_tm35fin(lon: float, lat: float) -> tuple[float, float]:
    """Easting and northing in metres of the point at ``lon``, ``lat`` (degrees, ETRS89 ≈ WGS-84).

    The series ξ + Σ hᵢ' sin(2iξ₀) cosh(2iη₀), η + Σ hᵢ' cos(2iξ₀) sinh(2iη₀) is the real and imaginary part
    of ζ₀ + Σ hᵢ' sin(2iζ₀) for the complex ζ₀ = ξ₀ + iη₀: one complex sine a term."""
    phi, lam = math.radians(lat), math.radians(lon)
    q = math.asinh(math.tan(phi)) - _E * math.atanh(_E * math.sin(phi))
    beta = math.atan(math.sinh(q))
    eta0 = math.atanh(math.cos(beta) * math.sin(lam - LON0))
    zeta0 = complex(math.asin(math.sin(beta) * math.cosh(eta0)), eta0)
    zeta = zeta0 + sum(h * cmath.sin(2 * i * zeta0) for i, h in enumerate(_FORWARD, start=1))
    return _A1 * zeta.imag * K0 + FALSE_EASTING, _A1 * zeta.real * K0


def from_tm35fin(easting: float, northing: float) -> tuple[float, float]:
    """Longitude and latitude in degrees of the ETRS-TM35FIN point ``easting``, ``northing`` (metres)."""
    xi = northing / (_A1 * K0)
    eta = (easting - FALSE_EASTING) / (_A1 * K0)
    xi1, eta1 = xi, eta
    for i, h in enumerate(_INVERSE, start=1):
        xi1 -= h * math.sin(2 * i * xi) * math.cosh(2 * i * eta)
        eta1 -= h * math.cos(2 * i * xi) * math.sinh(2 * i * eta)
    beta = math.asin(math.sin(xi1) / math.cosh(eta1))
    lam = math.asin(math.tanh(eta1) / math.cos(beta))
    q = math.asinh(math.tan(beta))
    q1 = q + _E * math.atanh(_E * math.tanh(q))
    for _ in range(8):  # converges to 1e-15 in four rounds
        q1 = q + _E * math.atanh(_E * math.tanh(q1))
    return math.degrees(LON0 + lam), math.degrees(math.atan(math.sinh(q1)))
