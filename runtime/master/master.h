// The master: reads and checks topologies, places their elements on the
// nodes whose caretakers have joined, tells every element where its peers
// are, follows their load, re-places the elements of a node that stops
// heartbeating, and ends or fails each topology as its elements end or fail.
// It keeps its state in a SQLite registry, so that a master killed and
// started again re-adopts what the caretakers still run.
#pragma once

#include <string>
#include <vector>

namespace datablox {

// $XDG_STATE_HOME/datablox/master.db, else ~/.local/state/datablox/master.db.
std::string DefaultRegistryPath();

struct MasterOptions {
  std::string listen = "tcp://127.0.0.1:7070";  // where caretakers and clients reach it
  // When set, the actual endpoint is written to this file descriptor once
  // bound (how `datablox run` learns an ephemeral port), then it is closed.
  int ready_fd = -1;
  // The SQLite registry; ":memory:" keeps nothing (the embedded `run`).
  std::string registry = DefaultRegistryPath();
  // A node silent this long is dead: its elements are placed elsewhere.
  double node_timeout_s = 2.0;
  // HOST:PORT to serve HTTP on: Prometheus's /metrics and the web view at /; "" serves none.
  std::string http;
  bool http_writes = false;  // the web view may write handlers (POST /api/handler)
  // Folders classes may come from (with $DATABLOX_CLASS_PATH): a topology's
  // other folders are refused at the check.
  std::vector<std::string> class_path;
  // The class inspector (the child process that imports user modules for
  // the check, so that the master never does) runs as this user, for at
  // most this long.
  std::string run_as;
  double inspect_timeout_s = 10;
  // CURVE (runtime/auth): with a secret key, the master talks only to the
  // caretakers and operators whose public keys the allow-list holds.
  std::string secret_key;  // its NAME.key_secret
  std::string allow;       // a directory of NAME.key files (or one file), reloaded on change
  // Every topology's data links use CURVE too (control::LinkCurve): an
  // element's inputs hear only the topology's own elements.
  bool curve_links = false;
};

int RunMaster(const MasterOptions& options);

}  // namespace datablox
