// The vector loops of one BiCGStab iteration on one part's own values (src/solvers/bicgstab.ts,
// whose JavaScript twins in krylov-kernels.ts run the same statements): each fuses the updates and
// dot products that read the same vectors, and every dot product is one accumulator from 0 in
// ascending i, so both give the same bits (built with -ffp-contract=off).
#pragma once

#include <cstddef>

namespace pa_ilu {

// Where the solver keeps rho, rho_{k-1}, alpha and omega in its scalars array.
constexpr int kRho = 0;
constexpr int kRhoPrevious = 1;
constexpr int kAlpha = 2;
constexpr int kOmega = 3;

// p = r + beta (p - omega v), beta = (rho / rho_{k-1}) (alpha / omega).
inline void BicgDirection(std::size_t n, const double* r, const double* v, double* p, const double* scalars) {
  const double omega = scalars[kOmega];
  const double beta = (scalars[kRho] / scalars[kRhoPrevious]) * (scalars[kAlpha] / omega);
  const double minusOmega = -omega;
  for (std::size_t i = 0; i < n; i++) {
    const double pi = p[i] + minusOmega * v[i];
    p[i] = 1 * r[i] + beta * pi;
  }
}

// s = r - alpha v; returns s.s.
inline double BicgHalf(std::size_t n, const double* r, const double* v, double* s, const double* scalars) {
  const double minusAlpha = -scalars[kAlpha];
  double ss = 0.0;
  for (std::size_t i = 0; i < n; i++) {
    const double si = r[i] + minusAlpha * v[i];
    s[i] = si;
    ss += si * si;
  }
  return ss;
}

// out = (t.s, t.t).
inline void BicgStabilizer(std::size_t n, const double* t, const double* s, double* out) {
  double ts = 0.0;
  double tt = 0.0;
  for (std::size_t i = 0; i < n; i++) {
    ts += t[i] * s[i];
    tt += t[i] * t[i];
  }
  out[0] = ts;
  out[1] = tt;
}

// x += alpha pHat, x += omega sHat, r = s - omega t; out = (r.r, rHat.r).
inline void BicgFull(std::size_t n, const double* pHat, const double* sHat, const double* s, const double* t, double* r,
                     const double* rHat, double* x, const double* scalars, double* out) {
  const double alpha = scalars[kAlpha];
  const double omega = scalars[kOmega];
  const double minusOmega = -omega;
  double rr = 0.0;
  double rHatR = 0.0;
  for (std::size_t i = 0; i < n; i++) {
    const double xi = x[i] + alpha * pHat[i];
    x[i] = xi + omega * sHat[i];
    const double ri = s[i] + minusOmega * t[i];
    r[i] = ri;
    rr += ri * ri;
    rHatR += rHat[i] * ri;
  }
  out[0] = rr;
  out[1] = rHatR;
}

}  // namespace pa_ilu
