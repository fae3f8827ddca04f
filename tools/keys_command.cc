#include "tools/keys_command.h"

#include <sys/stat.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "runtime/auth/keys.h"
#include "runtime/caretaker/caretaker.h"
#include "runtime/master/master.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

namespace fs = std::filesystem;

auth::ClientKeys g_client_keys;

bool ValidName(const std::string& name) { return !name.empty() && name.find_first_of(":#/ \t\n") == std::string::npos; }

int SayKeyError(const Status& st) {
  std::fprintf(stderr, "error: %s\n", st.message().c_str());
  if (st.code() == Status::Code::kPermissionDenied) return exit_code::kPrivileges;
  return st.IsNotFound() || st.code() == Status::Code::kIOError ? kExitNoInput : kExitDataErr;
}

// One key pair: the secret where its owner takes it, the public half in
// the allow-list (or, for the master, beside its secret).
Status Make(const std::string& public_path, const std::string& secret_path,
            std::map<std::string, std::string> metadata) {
  auth::Certificate certificate;
  if (Status st = auth::GenerateCertificate(&certificate); !st.ok()) return st;
  certificate.metadata = std::move(metadata);
  return auth::WriteCertificate(certificate, public_path, secret_path);
}

}  // namespace

CLI::App* AddKeygen(CLI::App* app, KeygenOptions* options) {
  auto* keygen = app->add_subcommand(
      "keygen",
      "make CURVE keys for a cluster in DIR: the master's (if DIR has none yet), and one per caretaker and "
      "operator named; public halves of those go into DIR/allow, the master's allow-list");
  keygen->add_option("DIR", options->dir, "where the keys go (made if missing, mode 0700)")->required();
  keygen->add_option("--caretaker", options->caretakers, "a key for the caretaker of node NAME; repeatable")
      ->allow_extra_args(false);
  keygen->add_option("--operator", options->operators, "a key for operator NAME, role full; repeatable")
      ->allow_extra_args(false);
  keygen
      ->add_option("--reader", options->readers,
                   "a key for operator NAME, role read (list, status, nodes, events, checkpoints, logs, handler reads); "
                   "repeatable")
      ->allow_extra_args(false);
  return keygen;
}

int Keygen(const KeygenOptions& options) {
  for (const auto* names : {&options.caretakers, &options.operators, &options.readers}) {
    for (const std::string& name : *names) {
      if (!ValidName(name)) {
        std::fprintf(stderr, "error: '%s' is not a name for a key (no ':', '#', '/' or spaces)\n", name.c_str());
        return kExitUsage;
      }
    }
  }
  std::error_code error;
  fs::create_directories(fs::path(options.dir) / "allow", error);
  if (error) {
    std::fprintf(stderr, "error: cannot make %s/allow: %s\n", options.dir.c_str(), error.message().c_str());
    return exit_code::kCantCreate;
  }
  ::chmod(options.dir.c_str(), 0700);
  const std::string dir = options.dir;
  std::vector<std::string> made;
  auto make = [&](const std::string& public_path, const std::string& secret_path,
                  std::map<std::string, std::string> metadata, std::string what) {
    Status st = Make(public_path, secret_path, std::move(metadata));
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.message().c_str());
      return false;
    }
    made.push_back(fmt::format("  {:<34} {}", fs::path(secret_path).filename().string(), what));
    return true;
  };
  bool ok = true;
  if (!fs::exists(dir + "/master.key_secret")) {
    ok = make(dir + "/master.key", dir + "/master.key_secret", {{"kind", "master"}, {"name", "master"}},
              fmt::format("the master's:  datablox master --keys {}", dir));
  }
  for (const std::string& name : options.caretakers) {
    ok = ok && make(fmt::format("{}/allow/caretaker-{}.key", dir, name),
                    fmt::format("{}/caretaker-{}.key_secret", dir, name), {{"kind", "caretaker"}, {"name", name}},
                    fmt::format("node {}'s:  datablox caretaker --node {} --keys DIR (DIR holding it and "
                                "master.key)",
                                name, name));
  }
  for (const auto& [names, role] : {std::pair{&options.operators, "full"}, std::pair{&options.readers, "read"}}) {
    for (const std::string& name : *names) {
      ok = ok &&
           make(fmt::format("{}/allow/operator-{}.key", dir, name), fmt::format("{}/operator-{}.key_secret", dir, name),
                {{"kind", "operator"}, {"name", name}, {"role", role}},
                fmt::format("{}'s (role {}):  export DATABLOX_KEY=.../operator-{}.key_secret "
                            "DATABLOX_MASTER_KEY=.../master.key",
                            name, role, name));
    }
  }
  if (!made.empty()) {
    std::printf("made in %s:\n", dir.c_str());
    for (const std::string& line : made) std::printf("%s\n", line.c_str());
    std::printf("  %-34s the public keys the master lets in (it reloads them on change)\n", "allow/");
    std::printf("secret keys (*.key_secret, mode 0600) go to their owner only; master.key goes to everyone\n");
  }
  return ok ? kExitOk : exit_code::kCantCreate;
}

Status MakeRunKeys(const std::string& dir, auth::ClientKeys* run_keys) {
  std::error_code error;
  fs::create_directories(fs::path(dir) / "allow", error);
  if (error) return Status::IOError(fmt::format("cannot make {}: {}", dir, error.message()));
  ::chmod(dir.c_str(), 0700);
  auth::Certificate master, caretaker, operator_;
  for (auto* c : {&master, &caretaker, &operator_}) {
    if (Status st = auth::GenerateCertificate(c); !st.ok()) return st;
  }
  master.metadata = {{"kind", "master"}, {"name", "master"}};
  caretaker.metadata = {{"kind", "caretaker"}, {"name", "local"}};
  operator_.metadata = {{"kind", "operator"}, {"name", "run"}, {"role", "full"}};
  Status st = auth::WriteCertificate(master, dir + "/master.key", dir + "/master.key_secret");
  if (st.ok())
    st = auth::WriteCertificate(caretaker, dir + "/allow/caretaker-local.key", dir + "/caretaker-local.key_secret");
  if (st.ok()) st = auth::WriteCertificate(operator_, dir + "/allow/operator-run.key", "");
  if (!st.ok()) return st;
  *run_keys = {operator_.public_key, operator_.secret_key, master.public_key};
  return Status::OK();
}

void AddMasterKeyFlags(CLI::App* master, MasterOptions* options, DaemonKeyFlags* flags) {
  master->add_option("--keys", flags->dir,
                     "a folder made by `datablox keygen`: its master.key_secret and allow/ (CURVE on; without keys "
                     "anyone who reaches --listen may do anything)");
  master->add_option("--secret-key", options->secret_key, "the master's NAME.key_secret (instead of --keys)");
  master->add_flag("--curve-links", options->curve_links,
                   "topologies' data links use CURVE too: each topology gets a key, and an element's inputs hear "
                   "only its own topology's elements (and `datablox call` on query ports)");
  master->add_option("--allow", options->allow,
                     "the public keys of caretakers and operators let in: a folder of NAME.key files, or one file "
                     "(instead of --keys; reloaded on change)");
}

void ResolveMasterKeys(const DaemonKeyFlags& flags, MasterOptions* options) {
  if (flags.dir.empty()) return;
  if (options->secret_key.empty()) options->secret_key = flags.dir + "/master.key_secret";
  if (options->allow.empty()) options->allow = flags.dir + "/allow";
}

void AddCaretakerKeyFlags(CLI::App* caretaker, CaretakerOptions* options, DaemonKeyFlags* flags) {
  caretaker->add_option("--keys", flags->dir,
                        "a folder holding this node's caretaker-NODE.key_secret and the master's master.key "
                        "(as `datablox keygen` lays them out)");
  caretaker->add_option("--secret-key", options->secret_key, "this caretaker's NAME.key_secret (instead of --keys)");
  caretaker->add_option("--master-key", options->master_key, "the master's public master.key (instead of --keys)");
}

void ResolveCaretakerKeys(const DaemonKeyFlags& flags, CaretakerOptions* options) {
  if (flags.dir.empty()) return;
  if (options->secret_key.empty())
    options->secret_key = fmt::format("{}/caretaker-{}.key_secret", flags.dir, options->node);
  if (options->master_key.empty()) options->master_key = flags.dir + "/master.key";
}

void AddClientKeyFlags(CLI::App* command, ClientKeyFlags* flags) {
  command->add_option("--key", flags->key, "your operator NAME.key_secret, for a master with keys (or $DATABLOX_KEY)");
  command->add_option("--master-key", flags->master_key, "the master's public master.key (or $DATABLOX_MASTER_KEY)");
}

int UseClientKeys(const ClientKeyFlags& flags) {
  auto pick = [](const std::string& flag, const char* variable) {
    if (!flag.empty()) return flag;
    const char* value = std::getenv(variable);
    return std::string(value ? value : "");
  };
  std::string key = pick(flags.key, "DATABLOX_KEY"), master_key = pick(flags.master_key, "DATABLOX_MASTER_KEY");
  if (key.empty() && master_key.empty()) return kExitOk;
  if (key.empty() || master_key.empty()) {
    std::fprintf(stderr,
                 "error: give both your key (--key or $DATABLOX_KEY) and the master's (--master-key or "
                 "$DATABLOX_MASTER_KEY), or neither\n");
    return kExitUsage;
  }
  if (Status st = auth::LoadClientKeys(key, master_key, &g_client_keys); !st.ok()) return SayKeyError(st);
  return kExitOk;
}

const auth::ClientKeys& ClientKeysInUse() { return g_client_keys; }

void SetClientKeys(auth::ClientKeys keys) { g_client_keys = std::move(keys); }

}  // namespace datablox::cli
