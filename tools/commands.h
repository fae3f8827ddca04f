// The `datablox` subcommands. Each returns its exit status (sysexits.h).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/core/exit_codes.h"

namespace CLI {
class App;
}  // namespace CLI

namespace datablox {
struct CaretakerOptions;
class OwnedLog;
}  // namespace datablox

namespace datablox::cli {

// The exit statuses, by name (runtime/core/exit_codes.h is the one table).
constexpr int kExitOk = exit_code::kOk;
constexpr int kExitFailed = exit_code::kFailed;
constexpr int kExitUsage = exit_code::kUsage;
constexpr int kExitDataErr = exit_code::kDataErr;
constexpr int kExitNoInput = exit_code::kNoInput;
constexpr int kExitUnavailable = exit_code::kUnavailable;
constexpr int kExitSoftware = exit_code::kSoftware;
constexpr int kExitInterrupted = exit_code::kInterrupted;
constexpr int kExitTimedOut = -1;  // internal to run: stopped by --timeout, exits kExitFailed

// 1234 -> "1234", 56789 -> "56.8k", 1.2e6 -> "1.20M": counts and rates in tables.
std::string Human(double n);
// 42 -> "42s", 300 -> "5m", 7200 -> "2h": ages in tables.
std::string Age(double seconds);

// kExitOk when FILE can be read; otherwise says why on stderr and returns kExitNoInput.
int CheckReadable(const std::string& file, const char* what = "topology file");

struct OutputFormat {
  bool json = false;  // -o json
};

int Check(const std::string& file, const OutputFormat& format);
// graph_command.cc: FILE as Graphviz DOT on stdout, or SVG through `dot`.
int Graph(const std::string& file, bool svg);
int Describe(const std::string& class_name, const OutputFormat& format);
int ListClasses(const OutputFormat& format);
// inspect_command.cc: the class inspector's child (internal): the classes'
// declarations, loaded from `folders`, as JSON on stdout.
int InspectClasses(const std::vector<std::string>& folders, const std::vector<std::string>& class_names);

// schema_commands.cc: Brio schemas. `check` takes a FILE ending in .brio for one.
bool IsSchemaFile(const std::string& file);
int CheckSchemaFile(const std::string& file, const OutputFormat& format);
int DescribeSchema(const std::string& file, const OutputFormat& format);
// view_check_command.cc: sample-store views. `check` takes a FILE ending in .view.toml for one.
bool IsViewFile(const std::string& file);
int CheckViewFile(const std::string& file, const OutputFormat& format);

struct RunOptions {
  std::string file;
  std::string executable;    // this binary, to start the master and the caretaker
  std::string stats_file;    // append a JSON line per status poll (tests, scripts)
  bool progress = false;     // live progress line even when stderr is not a terminal
  bool quiet = false;        // no progress, no summary
  int timeout_s = 0;         // stop and fail after this long; 0: no limit
  bool curve_links = false;  // the topology's data links use CURVE (master --curve-links)
  OutputFormat format;
};
int Run(const RunOptions& options);

// Verbs that talk to a running master (--master, $DATABLOX_MASTER, or
// tcp://127.0.0.1:7070).
int Submit(const std::string& file, const std::string& name, const std::string& master, const OutputFormat& format);
int List(const std::string& master, const OutputFormat& format);
int Nodes(const std::string& master, const OutputFormat& format);
int StatusCommand(const std::string& topology, const std::string& master, const OutputFormat& format);
int Kill(const std::string& topology, double wait_s, const std::string& master, const OutputFormat& format);
// scale_command.cc: TARGET is TOPOLOGY/SHARD; waits (up to timeout_s) until it has `members`.
int Scale(const std::string& target, int members, double timeout_s, bool wait, const std::string& master,
          const OutputFormat& format);
int Handler(const std::string& target, const std::optional<std::string>& value, const std::string& master,
            const OutputFormat& format);
int Call(const std::string& target, const std::string& json, int timeout_ms, const std::string& master,
         const OutputFormat& format);
// What Call does, the reply kept: kExitOk with *reply, or the exit status
// after saying why (in *error when given, else on stderr).
int AskQuery(const std::string& target, const std::string& json, int timeout_ms, const std::string& master,
             OwnedLog* reply, std::string* error = nullptr);
// AskQuery, waiting (within timeout_ms) for an element still starting (its
// port not bound, or not wired yet), as after a `submit`: what `catalog` and
// `query --cell` ask through. An element not there (none of that name, or
// still starting at the deadline) is kExitUnavailable. *error says why.
int AskStartingElement(const std::string& target, const std::string& json, int timeout_ms, const std::string& master,
                       OwnedLog* reply, std::string* error);
// fetch_command.cc: a view's loci from its SampleStoreSupervisor (TARGET:
// [TOPOLOGY/]ELEMENT[.PORT], port `view` by default), pulled through Nexus
// into one Brio region file.
struct FetchOptions {
  std::string target;
  std::string view;
  std::string out;
  int query_timeout_ms = 5000;  // also how long to wait for a supervisor and workers still starting
  int stream_timeout_ms = 10000;
  int window = 8;                // parcels in flight per locus stream
  bool progress = false;         // the progress line even when stderr is not a terminal
  double max_parcels_per_s = 0;  // 0: no limit
};
int Fetch(const FetchOptions& options, const std::string& master, const OutputFormat& format);
// catalog_command.cc: `datablox catalog VERB ...`, the cell's catalog, asked
// through a running Catalog element or (--db FILE) in its SQLite file.
struct CatalogOptions {
  std::string verb;  // add, list, show, remove, bump
  std::string kind, moniker;
  std::string domain, view_file, store, location;  // add view
  std::string view, text;                          // add query
  std::vector<std::string> properties;             // NAME=VALUE
  std::string target = "catalog";                  // [TOPOLOGY/]ELEMENT[.PORT]
  std::string db;                                  // the SQLite file, instead of the element
  int timeout_ms = 5000;
};
// Registers `catalog` and its verbs on `app`, filling *options when parsed.
CLI::App* AddCatalogVerbs(CLI::App* app, CatalogOptions* options);
int Catalog(const CatalogOptions& options, const std::string& master, const OutputFormat& format);
// region_dump_command.cc: every blob of a region file as a JSON line.
int DumpRegion(const std::string& file, const std::string& schema_file);
// query_command.cc: an EQL query over one region file, scanned here.
struct QueryOptions {
  std::string query;
  std::string region_file;
  std::string schema_file;
  int64_t now_ms = -1;  // NOW of the query, epoch ms; -1: the clock's
};
int QueryRegion(const QueryOptions& options, const OutputFormat& format);
// query_cell_command.cc: an EQL query asked of a running cell's CellSupervisor.
struct CellQueryOptions {
  std::string target;  // [TOPOLOGY/]SUPERVISOR[.PORT], port `query` by default
  std::string view, saved, query;
  int64_t now_ms = -1;
  int64_t timeout_ms = 30000;
};
int QueryCell(const CellQueryOptions& options, const std::string& master, const OutputFormat& format);
int Logs(const std::string& target, int lines, const std::string& master, const OutputFormat& format);
int Events(const std::string& topology, int limit, const std::string& master, const OutputFormat& format);
int Checkpoints(const std::string& topology, const std::string& master, const OutputFormat& format);
// A checkpoint now, then the topology stops; waits up to timeout_s for it.
int StopDataflow(const std::string& topology, double timeout_s, const std::string& master, const OutputFormat& format);
int ResumeDataflow(const std::string& topology, const std::string& master, const OutputFormat& format);
int RegistryDump(const std::string& master, const OutputFormat& format);
// Stops the master, its caretakers and their elements; returns once the master is gone.
int Shutdown(const std::string& master);
// Asks the caretaker of this machine directly (no master involved).
int ReadCaretakerConfig(const std::string& path, const std::set<std::string>& flags_given, CaretakerOptions* options);
int CaretakerStatus(const std::string& node, const std::string& control_endpoint, const OutputFormat& format);

}  // namespace datablox::cli
