// Matrix Market data lines parsed from a byte range of the file: the same grammar and the same
// values as the JavaScript parser of src/io/matrix-market.ts (parseLines), which stays the
// fallback and words the error messages. A line is split at '\n' only; blanks around and between
// tokens are the bytes JavaScript's trim() and /\s+/ take for whitespace in a latin1 string
// (tab, '\v', '\f', '\r', space, 0xA0); a line of blanks alone is skipped but counted.
//   integer: [+-]?\d+                                  (JavaScript: /^[+-]?\d+$/, then Number)
//   real:    [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?     (JavaScript: the REAL pattern, then Number)
//   special: [+-]?(nan|inf|infinity), any case         (NaN, ±Infinity; arrays only)
// Values are correctly rounded (std::from_chars, strtod_l in the C locale when the value overflows
// or underflows), as JavaScript's Number is, so both give the same bits; "-nan" is the one NaN
// JavaScript has.
#ifndef PA_TEXTIO_PARSE_H_
#define PA_TEXTIO_PARSE_H_

#include <charconv>
#include <clocale>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <locale.h>
#include <string>
#include <system_error>

namespace pa_textio {

inline bool IsBlank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0; }
inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// The value of [b, e), a token already matched against the integer or real grammar (so at most
// one leading sign and nothing from_chars would read differently).
inline double Convert(const char* b, const char* e) {
  const char* start = *b == '+' ? b + 1 : b;
  double value = 0.0;
  const std::from_chars_result r = std::from_chars(start, e, value);
  if (r.ec == std::errc() && r.ptr == e) return value;
  // Out of range: from_chars leaves the value alone, strtod rounds to ±inf or ±0 (or the
  // subnormal) as Number does. The C locale, so that the decimal point is '.' whatever the process's.
  static const locale_t c = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  const std::string copy(b, e);
  return strtod_l(copy.c_str(), nullptr, c);
}

// Whether [b, e) is an integer token.
inline bool IsInteger(const char* b, const char* e) {
  if (b < e && (*b == '+' || *b == '-')) b++;
  if (b == e) return false;
  for (; b < e; b++) {
    if (!IsDigit(static_cast<unsigned char>(*b))) return false;
  }
  return true;
}

// Whether [b, e) is a real token.
inline bool IsReal(const char* b, const char* e) {
  if (b < e && (*b == '+' || *b == '-')) b++;
  std::size_t whole = 0;
  std::size_t fraction = 0;
  while (b < e && IsDigit(static_cast<unsigned char>(*b))) b++, whole++;
  if (b < e && *b == '.') {
    b++;
    while (b < e && IsDigit(static_cast<unsigned char>(*b))) b++, fraction++;
  }
  if (whole == 0 && fraction == 0) return false;
  if (b < e && (*b == 'e' || *b == 'E')) {
    b++;
    if (b < e && (*b == '+' || *b == '-')) b++;
    if (b == e) return false;
    while (b < e && IsDigit(static_cast<unsigned char>(*b))) b++;
  }
  return b == e;
}

// NaN or ±Infinity when [b, e) is one of the special spellings, else false.
inline bool Special(const char* b, const char* e, double* value) {
  bool negative = false;
  if (b < e && (*b == '+' || *b == '-')) negative = *b++ == '-';
  const std::size_t n = static_cast<std::size_t>(e - b);
  if (n != 3 && n != 8) return false;
  char lower[8];
  for (std::size_t k = 0; k < n; k++) lower[k] = static_cast<char>(b[k] >= 'A' && b[k] <= 'Z' ? b[k] + 32 : b[k]);
  if (n == 3 && std::memcmp(lower, "nan", 3) == 0) {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if ((n == 3 && std::memcmp(lower, "inf", 3) == 0) || (n == 8 && std::memcmp(lower, "infinity", 8) == 0)) {
    *value = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}

// What a parse found: entries stored, lines seen (up to and including a bad one), and the first
// bad line (1-based within the range, 0 when none) with the byte offset where it starts.
struct Result {
  double count = 0;
  double lines = 0;
  double badLine = 0;
  double badOffset = 0;
};

// Splits [b, e) into at most `most` tokens (begin/end pairs in `tokens`); returns how many there
// are, or most + 1 when there are more.
inline std::size_t Tokens(const char* b, const char* e, const char** tokens, std::size_t most) {
  std::size_t n = 0;
  for (;;) {
    while (b < e && IsBlank(static_cast<unsigned char>(*b))) b++;
    if (b == e) return n;
    if (n == most) return most + 1;
    tokens[2 * n] = b;
    while (b < e && !IsBlank(static_cast<unsigned char>(*b))) b++;
    tokens[2 * n + 1] = b;
    n++;
  }
}

// Number of lines of [data, data + length): its '\n's, plus one for a last line without one.
inline std::size_t CountLines(const char* data, std::size_t length) {
  std::size_t lines = 0;
  const char* p = data;
  const char* end = data + length;
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    lines++;
    if (nl == nullptr) break;
    p = static_cast<const char*>(nl) + 1;
  }
  return lines;
}

// Calls line(b, e) for every line (without its '\n') until it returns false (a bad line).
template <typename Line>
Result EachLine(const char* data, std::size_t length, Line line) {
  Result result;
  const char* p = data;
  const char* end = data + length;
  std::size_t lines = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* stop = nl == nullptr ? end : nl;
    lines++;
    if (!line(p, stop)) {
      result.badLine = static_cast<double>(lines);
      result.badOffset = static_cast<double>(p - data);
      break;
    }
    p = stop + 1;
  }
  result.lines = static_cast<double>(lines);
  return result;
}

// An array file's values, one per line, into out (room for one per line).
inline Result ParseArray(const char* data, std::size_t length, bool integer, double* out) {
  std::size_t count = 0;
  Result result = EachLine(data, length, [&](const char* b, const char* e) {
    const char* tokens[4];
    const std::size_t n = Tokens(b, e, tokens, 1);
    if (n == 0) return true;
    if (n != 1) return false;
    const char* tb = tokens[0];
    const char* te = tokens[1];
    if (integer ? IsInteger(tb, te) : IsReal(tb, te)) {
      out[count++] = Convert(tb, te);
      return true;
    }
    if (!integer && Special(tb, te, &out[count])) {
      count++;
      return true;
    }
    return false;
  });
  result.count = static_cast<double>(count);
  return result;
}

// A coordinate file's entries "row column value" into I, J (0-based ids) and V (room for one per
// line); ids in 1..m and 1..n, values finite spellings (an overflowing real reads as ±Infinity, as
// in JavaScript).
inline Result ParseCoordinate(const char* data, std::size_t length, bool integer, double m, double n, double* I, double* J,
                              double* V) {
  std::size_t count = 0;
  Result result = EachLine(data, length, [&](const char* b, const char* e) {
    const char* tokens[6];
    const std::size_t found = Tokens(b, e, tokens, 3);
    if (found == 0) return true;
    if (found != 3) return false;
    if (!IsInteger(tokens[0], tokens[1]) || !IsInteger(tokens[2], tokens[3])) return false;
    if (!(integer ? IsInteger(tokens[4], tokens[5]) : IsReal(tokens[4], tokens[5]))) return false;
    const double i = Convert(tokens[0], tokens[1]);
    const double j = Convert(tokens[2], tokens[3]);
    if (!(i >= 1 && i <= m && j >= 1 && j <= n)) return false;
    I[count] = i - 1;
    J[count] = j - 1;
    V[count] = Convert(tokens[4], tokens[5]);
    count++;
    return true;
  });
  result.count = static_cast<double>(count);
  return result;
}

}  // namespace pa_textio

#endif  // PA_TEXTIO_PARSE_H_
