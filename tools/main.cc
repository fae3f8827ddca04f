// The `datablox` command-line program: the user's verbs (check, run,
// describe, classes) and the daemons' entry points (master, caretaker, and
// the element host the caretaker starts).
#include <fmt/format.h>
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "dsl/suggest.h"
#include "python/loader.h"
#include "runtime/caretaker/caretaker.h"
#include "runtime/core/plugin_path.h"
#include "runtime/host/host.h"
#include "runtime/master/master.h"
#include "tools/commands.h"
#include "tools/keys_command.h"
#include "tools/master_client.h"

namespace {

std::string SelfExecutable(const char* argv0) {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n > 0) return std::string(path, static_cast<size_t>(n));
  return std::filesystem::absolute(argv0).string();
}

// CLI11 takes a verb it does not know ("runn", "help") for a stray argument
// and answers "A subcommand is required". Answers them before it parses:
// the help for `help [VERB]`, a suggestion for a misspelt verb. Returns -1
// when argv[1] is a verb (or an option) for CLI11 to parse.
int AnswerUnknownVerb(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return -1;
  const std::string verb = argv[1];
  auto find = [&app](const std::string& name) -> const CLI::App* {
    auto found = app.get_subcommands([&name](const CLI::App* c) { return c->check_name(name); });
    return found.empty() ? nullptr : found.front();
  };
  if (verb == "help") {
    const CLI::App* about = argc > 2 ? find(argv[2]) : nullptr;
    std::printf("%s", about ? about->help().c_str() : app.help().c_str());
    return argc > 2 && !about ? datablox::cli::kExitUsage : datablox::cli::kExitOk;
  }
  if (find(verb)) return -1;
  std::vector<std::string> verbs;  // those --help shows: not the internal `host`
  for (const CLI::App* command : app.get_subcommands([](const CLI::App* c) { return !c->get_group().empty(); })) {
    verbs.push_back(command->get_name());
  }
  std::string guess = datablox::dsl::ClosestName(verb, verbs);
  std::fprintf(stderr, "error: unknown command '%s'%s\n", verb.c_str(),
               guess.empty() ? " (`datablox --help` lists them)" : fmt::format("; did you mean '{}'?", guess).c_str());
  return datablox::cli::kExitUsage;
}

// An endpoint ZeroMQ cannot parse ("bogus") is the user's mistake, said as
// such (64), not an internal error from deep inside a verb.
int CheckEndpointFlag(const char* flag, const std::string& endpoint) {
  datablox::Status st = datablox::cli::CheckEndpoint(endpoint);
  if (st.ok()) return datablox::cli::kExitOk;
  std::fprintf(stderr, "error: %s: %s\n", flag, st.message().c_str());
  return datablox::cli::kExitUsage;
}

// `--plugin-path` entries go first on DATABLOX_PLUGIN_PATH, all made
// absolute: the class table of this process reads the variable, and so do the
// master, the caretaker and every element host the command starts.
void PutPluginPathInEnvironment(const std::vector<std::string>& given) {
  const char* before = std::getenv(datablox::plugin::kPathVariable);
  if (given.empty() && !before) return;
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  std::string value = datablox::plugin::PluginPathVariable(given, before ? before : "", cwd);
  ::setenv(datablox::plugin::kPathVariable, value.c_str(), 1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace datablox;
  // Diagnostics go to stderr; stdout is for what the user asked for.
  spdlog::set_default_logger(spdlog::stderr_color_st("datablox"));
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::cfg::load_env_levels();               // SPDLOG_LEVEL=debug for the control-plane story
  python::InstallLoader(ClassTable::Global());  // py:module.Class names; starts nothing yet

  CLI::App app{"datablox: dataflow elements wired through typed push and query ports"};
  app.name("datablox");  // also in the help `datablox help` prints before parsing
  app.require_subcommand(1);
  app.set_version_flag("--version", "datablox 0.1.0");
  cli::OutputFormat format;
  std::string output = "table";
  auto add_output = [&](CLI::App* command) {
    command->add_option("-o,--output", output, "output format")->check(CLI::IsMember({"table", "json"}));
  };

  std::vector<std::string> plugin_path;
  auto add_plugin_path = [&](CLI::App* command) {
    command
        ->add_option("--plugin-path", plugin_path,
                     "a folder of element plugins (NAME.datablox.so) or a plugin file; repeatable "
                     "(also $DATABLOX_PLUGIN_PATH, ':'-separated, and the topology file's folder)")
        ->allow_extra_args(false)  // one value per --plugin-path: `run --plugin-path D FILE` keeps FILE
        ->check(CLI::ExistingPath);
  };

  std::string file, class_name;
  auto* check = app.add_subcommand(
      "check",
      "check a topology file, or a Brio schema (a FILE ending in .brio); report every error with its position");
  check->add_option("FILE", file, "the .topo file (or .brio schema)")->required();
  add_plugin_path(check);
  add_output(check);

  bool graph_svg = false;
  auto* graph = app.add_subcommand("graph", "print a topology as Graphviz DOT (its compounds expanded)");
  graph->add_option("FILE", file, "the .topo file")->required();
  graph->add_flag("--svg", graph_svg, "render it to SVG with Graphviz's dot (Debian package graphviz)");
  add_plugin_path(graph);

  cli::RunOptions run_options;
  auto* run = app.add_subcommand("run", "run a topology on a local master and caretaker until it ends");
  run->add_option("FILE", run_options.file, "the .topo file")->required();
  run->add_option("--stats-file", run_options.stats_file, "append every status sample to this file as a JSON line");
  run->add_flag("--progress", run_options.progress, "print progress even when stderr is not a terminal");
  run->add_flag("-q,--quiet", run_options.quiet, "no progress line, no summary");
  run->add_option("--timeout", run_options.timeout_s, "stop and fail after this many seconds (0: never)");
  run->add_flag("--curve-links", run_options.curve_links,
                "encrypt the data links too (CURVE; see master --curve-links)");
  add_plugin_path(run);
  add_output(run);

  auto* describe = app.add_subcommand("describe", "show an element class: ports, parameters, handlers");
  describe->add_option("CLASS", class_name, "the class name")->required();
  add_plugin_path(describe);
  add_output(describe);

  auto* describe_schema = app.add_subcommand("describe-schema", "show a Brio schema (.brio) as its containment tree");
  describe_schema->add_option("FILE", file, "the schema file")->required();
  add_output(describe_schema);

  auto* classes = app.add_subcommand("classes", "list the element classes");
  add_plugin_path(classes);
  add_output(classes);

  std::string master_address, topology_name, target, json_request;
  std::optional<std::string> handler_value;
  double wait_s = 0;
  int call_timeout_ms = 5000;
  cli::ClientKeyFlags client_keys;
  auto add_master = [&](CLI::App* command) {
    command->add_option("--master", master_address,
                        "the master's endpoint (default: $DATABLOX_MASTER or tcp://127.0.0.1:7070)");
    cli::AddClientKeyFlags(command, &client_keys);
  };
  auto* submit = app.add_subcommand("submit", "run a topology on the cluster and return");
  submit->add_option("FILE", file, "the .topo file")->required();
  submit->add_option("--name", topology_name, "the topology's name (default: the file's name)");
  add_master(submit);
  add_output(submit);
  auto* list = app.add_subcommand("list", "list the topologies the master knows");
  add_master(list);
  add_output(list);
  auto* nodes = app.add_subcommand("nodes", "list the nodes whose caretakers have joined the master");
  add_master(nodes);
  add_output(nodes);
  auto* status = app.add_subcommand("status", "show every element of a topology (all when none is named)");
  status->add_option("TOPOLOGY", topology_name, "the topology");
  add_master(status);
  add_output(status);
  auto* kill = app.add_subcommand("kill", "stop a topology; with -w, drain it first");
  kill->add_option("NAME", topology_name, "the topology")->required();
  kill->add_option("-w,--wait", wait_s, "stop the sources, let END flow for up to this many seconds, then stop");
  add_master(kill);
  add_output(kill);
  auto* scale = app.add_subcommand("scale", "grow or shrink a shard to N members, moving its keyed state");
  std::string scale_target;
  int scale_members = 0;
  double scale_timeout_s = 60;
  bool scale_no_wait = false;
  scale->add_option("SHARD", scale_target, "TOPOLOGY/SHARD")->required();
  scale->add_option("N", scale_members, "the members to have")->required()->check(CLI::Range(1, 64));
  scale->add_option("--timeout", scale_timeout_s, "give up waiting after this many seconds (default 60)");
  scale->add_flag("--no-wait", scale_no_wait, "return once the master took the request");
  add_master(scale);
  add_output(scale);
  auto* handler = app.add_subcommand("handler", "read (or write) an element's handler: ELEMENT.NAME [VALUE]");
  handler->add_option("TARGET", target, "[TOPOLOGY/]ELEMENT.HANDLER")->required();
  handler->add_option("VALUE", handler_value, "a value to write");
  add_master(handler);
  add_output(handler);
  auto* call = app.add_subcommand("call", "send a query to an element's query port and print the reply");
  call->add_option("TARGET", target, "[TOPOLOGY/]ELEMENT.PORT")->required();
  call->add_option("JSON", json_request, "the request, a JSON object")->required();
  call->add_option("--timeout-ms", call_timeout_ms, "how long to wait for the reply")->capture_default_str();
  add_master(call);
  add_output(call);

  cli::FetchOptions fetch_options;
  auto* fetch =
      app.add_subcommand("fetch", "pull a view's loci from a sample-store supervisor into a Brio region file");
  fetch->add_option("SUPERVISOR", fetch_options.target, "[TOPOLOGY/]ELEMENT[.PORT] (port `view` by default)")
      ->required();
  fetch->add_option("VIEW", fetch_options.view, "the view's name (VIEWS_DIR/VIEW.view.toml)")->required();
  fetch->add_option("--out", fetch_options.out, "the region file to write (FILE.partial until complete)")->required();
  fetch->add_option("--timeout-ms", fetch_options.query_timeout_ms, "how long to wait for the supervisor's answer")
      ->capture_default_str();
  fetch
      ->add_option("--stream-timeout-ms", fetch_options.stream_timeout_ms,
                   "a locus stream silent this long fails (a dead worker: then its next replica is tried)")
      ->capture_default_str();
  fetch->add_option("--window", fetch_options.window, "parcels in flight per locus stream (1..1024)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  fetch
      ->add_option("--max-parcels-per-s", fetch_options.max_parcels_per_s,
                   "consume at most this many parcels a second over all loci (0: no limit), a slow requester")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  fetch->add_flag("--progress", fetch_options.progress, "the progress line even when stderr is not a terminal");
  add_master(fetch);
  add_output(fetch);

  cli::CatalogOptions catalog_options;
  auto* catalog = cli::AddCatalogVerbs(&app, &catalog_options);
  add_master(catalog);
  add_output(catalog);

  std::string region_file, region_schema;
  auto* dump_region = app.add_subcommand("dump-region", "print every blob of a Brio region file as a JSON line");
  dump_region->add_option("FILE", region_file, "the region (what `fetch` writes)")->required();
  dump_region->add_option("--schema", region_schema, "the .brio schema its blobs were pressed with")->required();

  cli::QueryOptions query_options;
  cli::CellQueryOptions cell_query;
  auto* query = app.add_subcommand(
      "query",
      "run an EQL query: asked of a running cell (--cell, --view or --saved), or over a Brio region file "
      "(--region, --schema: what `fetch` writes)");
  query->add_option("QUERY", query_options.query, "select ... from schema NAME [where ...] [group by ...] [limit N]");
  auto* cell_flag = query->add_option("--cell", cell_query.target,
                                      "[TOPOLOGY/]SUPERVISOR[.PORT] of the running CellSupervisor (port `query`)");
  query->add_option("--view", cell_query.view, "with --cell: the catalog's view to query");
  query->add_option("--saved", cell_query.saved, "with --cell: run the catalog's saved query MONIKER (no QUERY)");
  query->add_option("--timeout-ms", cell_query.timeout_ms, "with --cell: how long the query may take")
      ->check(CLI::Range(int64_t{1}, int64_t{3600} * 1000));
  auto* region_flag = query->add_option("--region", query_options.region_file, "the region file to scan");
  auto* schema_flag =
      query->add_option("--schema", query_options.schema_file, "the .brio schema its blobs were pressed with");
  query->add_option("--now", query_options.now_ms, "NOW of the query, epoch milliseconds (default: the clock)");
  region_flag->excludes(cell_flag);
  schema_flag->excludes(cell_flag);
  add_master(query);
  add_output(query);

  int log_lines = 50;
  auto* logs = app.add_subcommand("logs", "show the recent stderr of an element (all its restarts)");
  logs->add_option("ELEMENT", target, "[TOPOLOGY/]ELEMENT")->required();
  logs->add_option("-n,--lines", log_lines, "how many lines, newest last")->capture_default_str();
  add_master(logs);
  add_output(logs);

  int event_count = 50;
  auto* events = app.add_subcommand("events", "show what happened: submits, restarts, moves, nodes lost");
  events->add_option("TOPOLOGY", topology_name, "only this topology's events");
  events->add_option("-n,--count", event_count, "how many events, newest last")->capture_default_str();
  add_master(events);
  add_output(events);

  auto* checkpoints = app.add_subcommand("checkpoints", "show a topology's checkpoints: state, time, size, duration");
  checkpoints->add_option("TOPOLOGY", topology_name, "the topology")->required();
  add_master(checkpoints);
  add_output(checkpoints);

  double stop_timeout_s = 60;
  auto* stop = app.add_subcommand("stop", "a checkpoint now, then stop the topology (resume starts it from there)");
  stop->add_option("TOPOLOGY", topology_name, "a checkpointed topology (policy * { checkpoint: MS })")->required();
  stop->add_option("--timeout", stop_timeout_s, "seconds to wait for the checkpoint and the stop")
      ->capture_default_str();
  add_master(stop);
  add_output(stop);
  auto* resume = app.add_subcommand("resume", "start a stopped topology again from its last complete checkpoint");
  resume->add_option("TOPOLOGY", topology_name, "the topology")->required();
  add_master(resume);
  add_output(resume);
  auto* registry = app.add_subcommand("registry", "what the master's registry holds");
  auto* registry_dump =
      registry->add_subcommand("dump", "topologies, elements, checkpoints and the sources' committed positions");
  registry->require_subcommand(1);
  add_master(registry_dump);
  add_output(registry_dump);

  MasterOptions master_options;
  auto* shutdown = app.add_subcommand("shutdown", "stop the master, every caretaker and every element they run");
  add_master(shutdown);
  auto* master = app.add_subcommand("master", "run the master daemon");
  master->add_option("--listen", master_options.listen, "endpoint to bind")->capture_default_str();
  master
      ->add_option("--registry", master_options.registry,
                   "SQLite file keeping topologies, placements, restarts and events (\":memory:\" keeps nothing)")
      ->capture_default_str();
  master
      ->add_option("--node-timeout", master_options.node_timeout_s,
                   "seconds without a heartbeat after which a node is dead and its elements move")
      ->capture_default_str()
      ->check(CLI::Range(0.2, 3600.0));
  master->add_option("--http", master_options.http,
                     "serve HTTP on HOST:PORT (e.g. 127.0.0.1:9464; port 0: any free port, logged): the web view at "
                     "/, Prometheus metrics at /metrics; none when not given");
  master->add_flag("--http-writes", master_options.http_writes,
                   "let the web view write handlers (POST /api/handler); off: it only reads");
  master->add_option("--ready-fd", master_options.ready_fd, "write the bound endpoint to this fd")->group("");
  add_plugin_path(master);
  master
      ->add_option("--class-path", master_options.class_path,
                   "a folder topologies may load classes from (Python modules, plugins), and its subfolders; "
                   "repeatable (also $DATABLOX_CLASS_PATH, ':'-separated); a topology's other folders are refused")
      ->allow_extra_args(false);
  master->add_option("--run-as", master_options.run_as,
                     "the user the class inspector runs as (it imports topologies' Python modules for the check)");
  master
      ->add_option("--inspect-timeout", master_options.inspect_timeout_s,
                   "seconds the class inspector may take for one topology's classes")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 600.0));
  cli::DaemonKeyFlags master_keys;
  cli::AddMasterKeyFlags(master, &master_options, &master_keys);

  CaretakerOptions caretaker_options;
  std::string caretaker_config;
  auto* caretaker = app.add_subcommand("caretaker", "run a caretaker daemon for this node (or: caretaker status)");
  caretaker->add_option("--config", caretaker_config, "a TOML file with master, node, bind, control (flags win)");
  caretaker->add_option("--master", caretaker_options.master_endpoint, "the master's endpoint");
  caretaker->add_option("--node", caretaker_options.node, "this node's name")->capture_default_str();
  caretaker->add_option("--bind", caretaker_options.bind_host, "address element inputs bind to")->capture_default_str();
  caretaker->add_option("--control", caretaker_options.control_endpoint,
                        "where `caretaker status` reaches it (default ipc:///tmp/datablox-UID/caretaker-NODE.ipc)");
  caretaker
      ->add_option("--class-path", caretaker_options.class_path,
                   "a folder element classes may be loaded from, and its subfolders; repeatable (also "
                   "$DATABLOX_CLASS_PATH and class_path in --config); a plan's other folders are dropped")
      ->allow_extra_args(false);
  caretaker->add_option("--run-as", caretaker_options.run_as,
                        "run element hosts as this user (the caretaker must be root, or that user)");
  cli::DaemonKeyFlags caretaker_keys;
  cli::AddCaretakerKeyFlags(caretaker, &caretaker_options, &caretaker_keys);
  caretaker->require_subcommand(0, 1);
  std::string status_node, status_control;
  auto* caretaker_status =
      caretaker->add_subcommand("status", "ask this machine's caretaker directly (works while the master is down)");
  caretaker_status->add_option("--node", status_node, "which caretaker, when several run here");
  caretaker_status->add_option("--control", status_control, "its status endpoint, when not the default");
  add_output(caretaker_status);

  HostOptions host_options;
  auto* host = app.add_subcommand("host", "run one element (started by a caretaker)");
  host->group("");  // internal: not in --help
  host->add_option("--caretaker", host_options.caretaker_endpoint)->required();
  host->add_option("--element", host_options.element)->required();
  host->add_option("--bind", host_options.bind_host);
  host->add_option("--parent", host_options.parent);

  cli::KeygenOptions keygen_options;
  auto* keygen = cli::AddKeygen(&app, &keygen_options);

  std::vector<std::string> inspect_folders, inspect_classes;
  auto* inspect = app.add_subcommand("inspect-classes", "print classes' declarations as JSON (the master's inspector)");
  inspect->group("");  // internal: not in --help
  inspect->add_option("--class-path", inspect_folders)->allow_extra_args(false);
  inspect->add_option("CLASS", inspect_classes)->required();

  if (int code = AnswerUnknownVerb(app, argc, argv); code >= 0) return code;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : cli::kExitUsage;
  }
  format.json = output == "json";
  run_options.format = format;
  PutPluginPathInEnvironment(plugin_path);
  for (const CLI::App* verb : {submit, list, nodes, status, kill, scale, handler, call, fetch, catalog, logs, events, checkpoints, stop, resume, registry_dump}) {
    if (!*verb) continue;
    if (int code = CheckEndpointFlag("--master", cli::MasterEndpoint(master_address)); code != cli::kExitOk)
      return code;
  }
  // Every verb that asks a master (run makes keys of its own).
  if (!*run) {
    if (int code = cli::UseClientKeys(client_keys); code != cli::kExitOk) return code;
  }

  try {
    if (*graph) return cli::Graph(file, graph_svg);
    if (*check && cli::IsViewFile(file)) return cli::CheckViewFile(file, format);
    if (*check) return cli::IsSchemaFile(file) ? cli::CheckSchemaFile(file, format) : cli::Check(file, format);
    if (*describe_schema) return cli::DescribeSchema(file, format);
    if (*describe) return cli::Describe(class_name, format);
    if (*classes) return cli::ListClasses(format);
    if (*run) {
      run_options.executable = SelfExecutable(argv[0]);
      return cli::Run(run_options);
    }
    if (*submit) return cli::Submit(file, topology_name, master_address, format);
    if (*list) return cli::List(master_address, format);
    if (*nodes) return cli::Nodes(master_address, format);
    if (*status) return cli::StatusCommand(topology_name, master_address, format);
    if (*kill) return cli::Kill(topology_name, wait_s, master_address, format);
    if (*scale) return cli::Scale(scale_target, scale_members, scale_timeout_s, !scale_no_wait, master_address, format);
    if (*handler) return cli::Handler(target, handler_value, master_address, format);
    if (*call) return cli::Call(target, json_request, call_timeout_ms, master_address, format);
    if (*fetch) return cli::Fetch(fetch_options, master_address, format);
    if (*catalog) return cli::Catalog(catalog_options, master_address, format);
    if (*dump_region) return cli::DumpRegion(region_file, region_schema);
    if (*query && *cell_flag) {
      cell_query.query = query_options.query;
      cell_query.now_ms = query_options.now_ms;
      return cli::QueryCell(cell_query, master_address, format);
    }
    if (*query) {
      if (query_options.query.empty() || query_options.region_file.empty() || query_options.schema_file.empty()) {
        std::fprintf(stderr,
                     "error: query: say --cell SUPERVISOR --view VIEW QUERY (or --saved MONIKER), or "
                     "--region FILE --schema FILE.brio QUERY\n");
        return cli::kExitUsage;
      }
      return cli::QueryRegion(query_options, format);
    }
    if (*logs) return cli::Logs(target, log_lines, master_address, format);
    if (*events) return cli::Events(topology_name, event_count, master_address, format);
    if (*checkpoints) return cli::Checkpoints(topology_name, master_address, format);
    if (*stop) return cli::StopDataflow(topology_name, stop_timeout_s, master_address, format);
    if (*resume) return cli::ResumeDataflow(topology_name, master_address, format);
    if (*registry_dump) return cli::RegistryDump(master_address, format);
    if (*shutdown) return cli::Shutdown(master_address);
    if (*keygen) return cli::Keygen(keygen_options);
    if (*master) {
      cli::ResolveMasterKeys(master_keys, &master_options);
      return RunMaster(master_options);
    }
    if (*caretaker_status) {
      // Which caretaker: the flags of `status`, else those of `caretaker`,
      // else its --config file, the one it was started with.
      CaretakerOptions target_options;
      target_options.node.clear();
      if (!caretaker_config.empty()) {
        int code = cli::ReadCaretakerConfig(caretaker_config, {}, &target_options);
        if (code != cli::kExitOk) return code;
      }
      if (caretaker->count("--node")) target_options.node = caretaker_options.node;
      if (caretaker->count("--control")) target_options.control_endpoint = caretaker_options.control_endpoint;
      if (caretaker_status->count("--node") || caretaker_status->count("--control")) {
        target_options = {};
        target_options.node = status_node;
        target_options.control_endpoint = status_control;
      }
      const std::string& control_endpoint = target_options.control_endpoint;
      if (!control_endpoint.empty()) {
        if (int code = CheckEndpointFlag("--control", control_endpoint); code != cli::kExitOk) return code;
      }
      return cli::CaretakerStatus(target_options.node, control_endpoint, format);
    }
    if (*caretaker) {
      if (!caretaker_config.empty()) {
        std::set<std::string> given;
        for (const char* flag : {"--master", "--node", "--bind", "--control", "--run-as", "--secret-key", "--master-key"}) {
          if (caretaker->count(flag)) given.insert(flag);
        }
        int code = cli::ReadCaretakerConfig(caretaker_config, given, &caretaker_options);
        if (code != cli::kExitOk) return code;
      }
      if (caretaker_options.master_endpoint.empty()) {
        std::fprintf(
            stderr, "error: caretaker: say which master to join: --master tcp://HOST:PORT (or master = in --config)\n");
        return cli::kExitUsage;
      }
      if (int code = CheckEndpointFlag("--master", caretaker_options.master_endpoint); code != cli::kExitOk)
        return code;
      caretaker_options.executable = SelfExecutable(argv[0]);
      cli::ResolveCaretakerKeys(caretaker_keys, &caretaker_options);
      return RunCaretaker(caretaker_options);
    }
    if (*host) return RunElementHost(host_options);
    if (*inspect) return cli::InspectClasses(inspect_folders, inspect_classes);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return cli::kExitSoftware;
  }
  return cli::kExitUsage;
}
