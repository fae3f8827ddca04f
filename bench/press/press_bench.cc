// bench_press: pressing generated flat event rows in one process, against
// simdjson merely parsing the same bytes (the limit the presser is held to:
// press_vs_simdjson_ratio >= 0.5; simdjson_mb_per_s is the faster of its two
// ways here: a parse call a line, or one document stream over the text), and the pressed size against the JSON's
// (pressed_vs_json_size <= 0.25). `bench/run press` runs two of these
// (library_press_mb_per_s and the simdjson baseline) beside the sample-store
// elements (press_mb_per_s) and ClickHouse.
//
//   bench_press [--users N] [--rounds R] [--seed S] [--order shuffled|user]
//   bench_press --input FILE [--input FILE ...] [--rounds R]
//   (either: [--memory-budget-mb N] the presser's budget, [--press-only 1] for perf record)
//
// With --input, the rows are the files' (tools/gen_events.py's, as
// `bench/run press` gives them), read whole before anything is timed.
//
// Rows {"user","session","session_start","ts","type","value","country","os"}
// for N users with 1-20 sessions of 1-50 events each (the issue's shape, at
// ~150 bytes a row), deterministic from the seed; `shuffled` (the default)
// interleaves every user's rows at random, the grouper's hard case. Each
// figure is the best of R rounds, in CPU seconds of the process (all its
// threads). Progress on stderr; the last line of stdout is one JSON object.
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "cell/brio/blob_json.h"
#include "cell/brio/flat_rows.h"
#include "cell/brio/json_input.h"
#include "cell/brio/presser.h"
#include "cell/brio/reader.h"
#include "cell/brio/region.h"
#include "cell/brio/test_schemas.h"

namespace brio = datablox::brio;

namespace {

struct Options {
  int users = 2000;
  int rounds = 3;
  uint32_t seed = 42;
  bool shuffled = true;
  std::vector<std::string> inputs;  // --input: rows from these files instead
  size_t memory_budget_mb = 0;      // --memory-budget-mb N: the presser's budget (0: PressOptions' default)
  bool press_only = false;          // --press-only 1: only the press rounds (for perf record)
};

// The files' text, each ending with a newline; false (and a message) when one cannot be read.
bool ReadInputs(const std::vector<std::string>& paths, std::string* text, size_t* rows) {
  for (const std::string& path : paths) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      std::fprintf(stderr, "bench_press: cannot read %s\n", path.c_str());
      return false;
    }
    char buffer[1 << 16];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text->append(buffer, n);
    std::fclose(f);
    if (!text->empty() && text->back() != '\n') text->push_back('\n');
  }
  *rows = static_cast<size_t>(std::count(text->begin(), text->end(), '\n'));
  return true;
}

std::string Generate(const Options& o, size_t* rows_out) {
  std::mt19937 rng(o.seed);
  const char* types[] = {"page_view", "click", "scroll", "purchase", "add_to_cart", "search", "login", "logout"};
  const char* countries[] = {"DE", "FR", "US", "JP", "BR", "IN", "GB", "ES"};
  const char* systems[] = {"android", "ios", "linux", "windows", "macos"};
  std::vector<std::string> rows;
  char line[512];
  for (int u = 0; u < o.users; ++u) {
    const char* country = countries[rng() % 8];
    const char* os = systems[rng() % 5];
    const int sessions = 1 + static_cast<int>(rng() % 20);
    int64_t start = 1700000000000 + static_cast<int64_t>(rng() % 1000000000);
    for (int s = 0; s < sessions; ++s) {
      const int events = 1 + static_cast<int>(rng() % 50);
      const int64_t session = static_cast<int64_t>(u) * 100 + s;
      int64_t ts = start;
      for (int e = 0; e < events; ++e) {
        ts += rng() % 60000;
        const double value = static_cast<double>(rng() % 1000000) / 1000.0;
        std::snprintf(
            line, sizeof line,
            R"({"user":"user-%07d","session":%lld,"session_start":%lld,"ts":%lld,"type":"%s","value":%.3f,"country":"%s","os":"%s"})",
            u, static_cast<long long>(session), static_cast<long long>(start), static_cast<long long>(ts),
            types[rng() % 8], value, country, os);
        rows.emplace_back(line);
      }
      start = ts + 3600000;
    }
  }
  if (o.shuffled) std::shuffle(rows.begin(), rows.end(), rng);
  std::string text;
  for (const std::string& r : rows) (text += r) += '\n';
  *rows_out = rows.size();
  return text;
}

// The process's CPU time, every thread's: on a machine shared with builds,
// wall time measures the neighbours; the ratios compare CPU spent on the
// same bytes. Every thread's, because Debian's simdjson is built with
// threads, and its document stream parses the next batch's stage 1 on a
// thread of its own: timed by one thread's clock, that work was free, and
// the stream's rate was overstated by about half.
double CpuNow() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}
double Seconds(double since) { return CpuNow() - since; }

brio::FlatGrouping EventGrouping() {
  brio::FlatGrouping g;
  g.levels.push_back({{{"id", "user"}, {"country", "country"}, {"os", "os"}}, {"id"}, "sessions"});
  g.levels.push_back({{{"id", "session"}, {"start", "session_start"}}, {"id"}, "events"});
  g.levels.push_back({{{"ts", "ts"}, {"type", "type"}, {"value", "value"}}, {}, ""});
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--users") o.users = std::atoi(argv[i + 1]);
    else if (flag == "--rounds") o.rounds = std::atoi(argv[i + 1]);
    else if (flag == "--seed") o.seed = static_cast<uint32_t>(std::atoll(argv[i + 1]));
    else if (flag == "--order") o.shuffled = std::strcmp(argv[i + 1], "user") != 0;
    else if (flag == "--input") o.inputs.push_back(argv[i + 1]);
    else if (flag == "--memory-budget-mb") o.memory_budget_mb = static_cast<size_t>(std::atoll(argv[i + 1]));
    else if (flag == "--press-only") o.press_only = std::strcmp(argv[i + 1], "0") != 0;
    else {
      std::fprintf(stderr, "bench_press: unknown flag %s\n", argv[i]);
      return 64;
    }
  }
  size_t rows = 0;
  std::string text;
  if (o.inputs.empty()) {
    text = Generate(o, &rows);
  } else if (!ReadInputs(o.inputs, &text, &rows)) {
    return 66;
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::fprintf(stderr, "bench_press: %zu rows, %.1f MB of JSON%s\n", rows, mb,
               o.inputs.empty() ? (", " + std::to_string(o.users) + " users").c_str() : " from the files given");

  // The same schema as the unit tests (until the schema parser reads a .brio file here).
  const brio::Schema schema = brio::testing::UnitySchema();
  brio::SchemaLayout layout;
  if (!brio::SchemaLayout::Make(schema, &layout).ok()) return 70;

  // simdjson's own fastest way over the same bytes: one document stream
  // (dom::parser::parse_many, every value parsed into its tape) over the
  // whole text, which needs SIMDJSON_PADDING bytes allocated after it (not a
  // padded copy: the input is hundreds of MB).
  text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  double parse_best = 1e9, stream_best = 1e9, press_best = 1e9, read_best = 1e9;
  size_t streamed = 0;
  size_t region_size = 0, parsed = 0;
  uint64_t items = 0, rejected = 0;
  double checksum = 0;
  // One presser for every round, as a sample-store worker keeps one: its
  // buffers are warm from the second round on (figures are the best round).
  std::string last_region;
  std::unique_ptr<brio::FlatPresser> presser;
  brio::PressOptions press_options;
  if (o.memory_budget_mb > 0) press_options.memory_budget_bytes = o.memory_budget_mb << 20;
  if (!brio::FlatPresser::Make(layout, EventGrouping(), press_options, &presser).ok()) return 70;
  uint64_t items_before = 0, rejected_before = 0;
  for (int round = 0; round < o.rounds; ++round) {
    if (!o.press_only) {  // simdjson alone: every line parsed into its DOM, as the presser parses it
      brio::JsonLineParser parser;
      parsed = 0;
      const double t0 = CpuNow();
      brio::ForEachLine(text, [&](std::string_view line, uint64_t) {
        simdjson::dom::element e;
        if (!parser.Parse(text, line, &e)) ++parsed;
      });
      parse_best = std::min(parse_best, Seconds(t0));
      simdjson::dom::parser stream_parser;
      streamed = 0;
      const double t1 = CpuNow();
      simdjson::dom::document_stream stream;
      if (!stream_parser.parse_many(text.data(), text.size(), simdjson::dom::DEFAULT_BATCH_SIZE).get(stream))
        for (auto doc : stream)
          if (!doc.error()) ++streamed;
      stream_best = std::min(stream_best, Seconds(t1));
    }
    std::string region;
    {
      brio::RegionWriter writer;
      const double t0 = CpuNow();
      presser->AddLines(text, "generated");
      const double add_s = Seconds(t0);
      presser->Finish(writer);
      std::fprintf(stderr, "bench_press: round %d: press: rows kept in %.3f s, grouped and pressed in %.3f s\n",
                   round + 1, add_s, Seconds(t0) - add_s);
      region = writer.Finish();
      press_best = std::min(press_best, Seconds(t0));
      items = presser->stats().items - items_before;
      rejected = presser->stats().rejected() - rejected_before;
      items_before = presser->stats().items;
      rejected_before = presser->stats().rejected();
      region_size = region.size();
      last_region = region;
    }
    if (o.press_only) continue;
    {  // a query's pass: every event's value summed, in place
      const double t0 = CpuNow();
      brio::RegionView view;
      if (!brio::RegionView::Open(region, &view).ok()) return 70;
      double sum = 0;
      for (uint64_t i = 0; i < view.blob_count(); ++i) {
        brio::BlobView blob;
        if (!view.OpenBlob(i, layout, &blob).ok()) return 70;
        for (brio::StructView session : blob.root().GetStructs(2))
          for (brio::StructView event : session.GetStructs(2)) sum += event.GetDouble(2);
      }
      read_best = std::min(read_best, Seconds(t0));
      checksum = sum;
    }
    std::fprintf(stderr, "bench_press: round %d: parse %.3f s (a stream: %.3f s), press %.3f s, read %.3f s\n",
                 round + 1, parse_best, stream_best, press_best, read_best);
  }
  // Peak RSS here: the input text, the kept rows, the region (before the nested part).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double press_peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (!presser->status().ok()) {
    std::fprintf(stderr, "bench_press: %s\n", presser->status().ToString().c_str());
    return 1;
  }
  if (o.press_only) return 0;
  // The nested presser on the same trees written as nested JSON lines (one
  // user a line, from the last region), against simdjson parsing those lines.
  std::string nested;
  {
    brio::RegionView view;
    if (!brio::RegionView::Open(last_region, &view).ok()) return 70;
    for (uint64_t i = 0; i < view.blob_count(); ++i) {
      brio::BlobView blob;
      if (!view.OpenBlob(i, layout, &blob).ok()) return 70;
      brio::AppendJson(blob.root(), &nested);
      nested += '\n';
    }
  }
  double nested_parse_best = 1e9, nested_press_best = 1e9;
  brio::NestedPresser nested_presser(layout, {});
  for (int round = 0; round < o.rounds; ++round) {
    brio::JsonLineParser parser;
    double t0 = CpuNow();
    brio::ForEachLine(nested, [&](std::string_view line, uint64_t) {
      simdjson::dom::element e;
      (void)parser.Parse(nested, line, &e);
    });
    nested_parse_best = std::min(nested_parse_best, Seconds(t0));
    brio::RegionWriter writer;
    t0 = CpuNow();
    nested_presser.PressLines(nested, "nested", writer);
    const std::string region = writer.Finish();
    nested_press_best = std::min(nested_press_best, Seconds(t0));
  }
  const double nested_mb = static_cast<double>(nested.size()) / 1e6;
  std::fprintf(stderr, "bench_press: nested: %.1f MB, parse %.3f s, press %.3f s\n", nested_mb, nested_parse_best,
               nested_press_best);
  // Every tree pressed again from its nested form, in every round.
  if (nested_presser.stats().items != items * static_cast<uint64_t>(o.rounds)) return 1;

  std::printf(
      "{\"bench\": \"press_micro\", \"rows\": %zu, \"users\": %d, \"json_mb\": %.1f, \"order\": \"%s\", "
      "\"simdjson_mb_per_s\": %.1f, \"simdjson_baseline\": \"%s\", \"simdjson_line_mb_per_s\": %.1f, "
      "\"simdjson_stream_mb_per_s\": %.1f, \"streamed\": %zu, "
      "\"press_mb_per_s\": %.1f, \"press_vs_simdjson_ratio\": %.3f, \"press_vs_simdjson_line_ratio\": %.3f, "
      "\"pressed_vs_json_size\": %.4f, \"read_pressed_mb_per_s\": %.1f, \"items\": %llu, \"rejected\": %llu, "
      "\"parsed\": %zu, \"value_sum\": %.3f, \"nested_json_mb\": %.1f, \"nested_press_mb_per_s\": %.1f, "
      "\"nested_press_vs_simdjson_ratio\": %.3f, \"json_bytes\": %zu, \"pressed_bytes\": %zu, "
      "\"press_peak_rss_mb\": %.1f, \"memory_budget_mb\": %.0f, \"spills\": %llu}\n",
      rows, o.inputs.empty() ? o.users : static_cast<int>(items), mb, o.shuffled ? "shuffled" : "user",
      mb / std::min(parse_best, stream_best), stream_best < parse_best ? "stream" : "line", mb / parse_best,
      mb / stream_best, streamed, mb / press_best, std::min(parse_best, stream_best) / press_best,
      parse_best / press_best, static_cast<double>(region_size) / static_cast<double>(text.size()),
      static_cast<double>(region_size) / 1e6 / read_best, static_cast<unsigned long long>(items),
      static_cast<unsigned long long>(rejected), parsed, checksum, nested_mb, nested_mb / nested_press_best,
      nested_parse_best / nested_press_best, text.size(), region_size, press_peak_rss_mb,
      static_cast<double>(press_options.memory_budget_bytes) / (1 << 20),
      static_cast<unsigned long long>(presser->stats().spills));
  // Generated: one item a user. Read: whatever the files hold, none rejected.
  const bool all_items = o.inputs.empty() ? items == static_cast<uint64_t>(o.users) : items > 0;
  return all_items && rejected == 0 ? 0 : 1;
}
