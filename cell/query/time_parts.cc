#include "cell/query/time_parts.h"

#include <fmt/format.h>

namespace datablox::eql {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMsPerHour = 3'600'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Days since the epoch to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

}  // namespace

int64_t TimePart(DimFunction function, int64_t epoch_ms) {
  switch (function) {
    case DimFunction::kValue: return epoch_ms;
    case DimFunction::kDay: return FloorDiv(epoch_ms, kMsPerDay);
    case DimFunction::kHour: return FloorDiv(FloorMod(epoch_ms, kMsPerDay), kMsPerHour);
    case DimFunction::kDayOfWeek: return FloorMod(FloorDiv(epoch_ms, kMsPerDay) + 3, 7) + 1;  // 1970-01-01: a Thursday
    case DimFunction::kMonth: {
      int64_t year;
      int month, day;
      CivilFromDays(FloorDiv(epoch_ms, kMsPerDay), &year, &month, &day);
      return year * 12 + (month - 1);
    }
  }
  return epoch_ms;
}

int64_t TimePartSpanMs(DimFunction function) {
  switch (function) {
    case DimFunction::kValue: return 0;
    case DimFunction::kHour: return kMsPerHour;
    case DimFunction::kDay:
    case DimFunction::kDayOfWeek:
    case DimFunction::kMonth: return kMsPerDay;
  }
  return 0;
}

int64_t TimePartCache::Refill(DimFunction function, int64_t epoch_ms) {
  // A miss at each new hour or day of a scan (most sessions start one):
  // the interval and the part come from one floor division by a constant
  // (a multiplication), not from TimePart's chain.
  const int64_t span = TimePartSpanMs(function);
  if (span == 0 || epoch_ms <= INT64_MIN + span || epoch_ms >= INT64_MAX - span) {
    // ms itself, or an hour or a day at the int64 limits: nothing is kept.
    Clear();
    return part_ = TimePart(function, epoch_ms);
  }
  switch (function) {
    case DimFunction::kHour: {
      const int64_t hours = FloorDiv(epoch_ms, kMsPerHour);
      low_ = hours * kMsPerHour;
      part_ = FloorMod(hours, 24);
      break;
    }
    case DimFunction::kDay: {
      const int64_t days = FloorDiv(epoch_ms, kMsPerDay);
      low_ = days * kMsPerDay;
      part_ = days;
      break;
    }
    default:
      low_ = FloorDiv(epoch_ms, kMsPerDay) * kMsPerDay;
      part_ = TimePart(function, epoch_ms);
  }
  high_ = low_ + span;
  return part_;
}

bool TimePartText(DimFunction function, int64_t part, std::string* text) {
  if (function == DimFunction::kDay) {
    int64_t year;
    int month, day;
    CivilFromDays(part, &year, &month, &day);
    *text = fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
    return true;
  }
  if (function == DimFunction::kMonth) {
    *text = fmt::format("{:04d}-{:02d}", FloorDiv(part, 12), FloorMod(part, 12) + 1);
    return true;
  }
  return false;
}

}  // namespace datablox::eql
