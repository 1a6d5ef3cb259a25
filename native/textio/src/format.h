// Matrix Market data lines written from float64 values: each value as JavaScript's String(x)
// spells it (the shortest decimal that reads back to the same float64, laid out by ECMAScript's
// Number::toString: plain digits for exponents -7 < n <= 21, else d.ddde±n), `nan`, `inf`,
// `-inf` for the special values; the same text as formatValue in src/io/matrix-market.ts. The
// digits come from std::to_chars's shortest form (Ryu), which, like V8, picks the shortest digit
// string closest to the value.
#ifndef PA_TEXTIO_FORMAT_H_
#define PA_TEXTIO_FORMAT_H_

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pa_textio {

// Most bytes one value takes ("-1.2345678901234567e-308"), and one line of a coordinate file.
constexpr std::size_t kValueBytes = 24;
constexpr std::size_t kIdBytes = 17;  // ids below 2^53: 16 digits
constexpr std::size_t kArrayLineBytes = kValueBytes + 1;
constexpr std::size_t kCoordinateLineBytes = 2 * (kIdBytes + 1) + kValueBytes + 1;

// Writes x at out as String(x) would; returns the end.
inline char* FormatValue(double x, char* out) {
  if (std::isnan(x)) {
    std::memcpy(out, "nan", 3);
    return out + 3;
  }
  if (std::isinf(x)) {
    if (x < 0) *out++ = '-';
    std::memcpy(out, "inf", 3);
    return out + 3;
  }
  if (x == 0) {  // String(-0) is "0"
    *out = '0';
    return out + 1;
  }
  if (x < 0) {
    *out++ = '-';
    x = -x;
  }
  // the shortest digits in scientific form: d[.ddd]e[+-]xx
  char sci[32];
  const std::to_chars_result r = std::to_chars(sci, sci + sizeof(sci), x, std::chars_format::scientific);
  const char* e = static_cast<const char*>(std::memchr(sci, 'e', static_cast<std::size_t>(r.ptr - sci)));
  char digits[20];
  int k = 0;
  for (const char* p = sci; p < e; p++) {
    if (*p != '.') digits[k++] = *p;
  }
  int exponent = 0;
  const char* p = e + 1;
  const bool negativeExponent = *p == '-';
  if (*p == '+' || *p == '-') p++;
  for (; p < r.ptr; p++) exponent = 10 * exponent + (*p - '0');
  if (negativeExponent) exponent = -exponent;
  const int n = exponent + 1;  // the value is 0.digits × 10^n
  if (k <= n && n <= 21) {
    std::memcpy(out, digits, static_cast<std::size_t>(k));
    out += k;
    for (int z = 0; z < n - k; z++) *out++ = '0';
    return out;
  }
  if (0 < n && n <= 21) {
    std::memcpy(out, digits, static_cast<std::size_t>(n));
    out += n;
    *out++ = '.';
    std::memcpy(out, digits + n, static_cast<std::size_t>(k - n));
    return out + (k - n);
  }
  if (-6 < n && n <= 0) {
    *out++ = '0';
    *out++ = '.';
    for (int z = 0; z < -n; z++) *out++ = '0';
    std::memcpy(out, digits, static_cast<std::size_t>(k));
    return out + k;
  }
  *out++ = digits[0];
  if (k > 1) {
    *out++ = '.';
    std::memcpy(out, digits + 1, static_cast<std::size_t>(k - 1));
    out += k - 1;
  }
  *out++ = 'e';
  *out++ = n - 1 < 0 ? '-' : '+';
  const std::to_chars_result x10 = std::to_chars(out, out + 4, n - 1 < 0 ? 1 - n : n - 1);
  return x10.ptr;
}

// Writes a 1-based id (an integer below 2^53) at out; returns the end.
inline char* FormatId(double id, char* out) {
  return std::to_chars(out, out + kIdBytes, static_cast<std::int64_t>(id)).ptr;
}

// One line per value; returns the bytes written (at most kArrayLineBytes per value).
inline std::size_t FormatArray(const double* values, std::size_t count, char* out) {
  char* p = out;
  for (std::size_t i = 0; i < count; i++) {
    p = FormatValue(values[i], p);
    *p++ = '\n';
  }
  return static_cast<std::size_t>(p - out);
}

// The lines "row column value" of rows first .. first + rows - 1 (CSR with global 0-based column
// ids, as layout.ts's MatrixBlock); with `lower`, only the entries on and below the diagonal.
// Returns the bytes written (at most kCoordinateLineBytes per entry); *entries gets the lines.
inline std::size_t FormatCoordinate(double first, std::size_t rows, const double* rowPtr, const double* cols,
                                    const double* values, bool lower, char* out, std::size_t* entries) {
  char* p = out;
  std::size_t written = 0;
  for (std::size_t i = 0; i < rows; i++) {
    const double row = first + static_cast<double>(i);
    char label[kIdBytes + 1];
    char* labelEnd = FormatId(row + 1, label);
    *labelEnd++ = ' ';
    const std::size_t labelLength = static_cast<std::size_t>(labelEnd - label);
    const std::size_t end = static_cast<std::size_t>(rowPtr[i + 1]);
    for (std::size_t e = static_cast<std::size_t>(rowPtr[i]); e < end; e++) {
      if (lower && cols[e] > row) continue;
      std::memcpy(p, label, labelLength);
      p += labelLength;
      p = FormatId(cols[e] + 1, p);
      *p++ = ' ';
      p = FormatValue(values[e], p);
      *p++ = '\n';
      written++;
    }
  }
  *entries = written;
  return static_cast<std::size_t>(p - out);
}

}  // namespace pa_textio

#endif  // PA_TEXTIO_FORMAT_H_
