// CURVE keys from the command line: `datablox keygen`, the daemons' key
// flags, and the keys every verb that talks to a master uses.
#pragma once

#include <string>
#include <vector>

#include "runtime/auth/curve_client.h"

namespace CLI {
class App;
}  // namespace CLI

namespace datablox {
struct MasterOptions;
struct CaretakerOptions;
}  // namespace datablox

namespace datablox::cli {

// `datablox keygen DIR`: a cluster's keys, laid out as the daemons' --keys
// DIR expects them (see Keygen's help).
struct KeygenOptions {
  std::string dir;
  std::vector<std::string> caretakers, operators, readers;
};
CLI::App* AddKeygen(CLI::App* app, KeygenOptions* options);
int Keygen(const KeygenOptions& options);

// Throwaway keys for `datablox run` in DIR (made, mode 0700): the
// master's, caretaker "local"'s and an operator's for run itself, laid out
// as Keygen lays them out; *run_keys are run's own.
Status MakeRunKeys(const std::string& dir, auth::ClientKeys* run_keys);

// --keys DIR, --secret-key, --allow on `master`; --keys DIR, --secret-key,
// --master-key on `caretaker`. Resolve* turns a DIR into the files
// keygen made there (the caretaker's after its --node is known).
struct DaemonKeyFlags {
  std::string dir;
};
void AddMasterKeyFlags(CLI::App* master, MasterOptions* options, DaemonKeyFlags* flags);
void ResolveMasterKeys(const DaemonKeyFlags& flags, MasterOptions* options);
void AddCaretakerKeyFlags(CLI::App* caretaker, CaretakerOptions* options, DaemonKeyFlags* flags);
void ResolveCaretakerKeys(const DaemonKeyFlags& flags, CaretakerOptions* options);

// --key and --master-key on a verb that asks a master; else
// $DATABLOX_KEY and $DATABLOX_MASTER_KEY.
struct ClientKeyFlags {
  std::string key, master_key;
};
void AddClientKeyFlags(CLI::App* command, ClientKeyFlags* flags);
// Loads the keys every MasterClient of this process then uses: kExitOk, or
// the exit status after saying what is wrong with them.
int UseClientKeys(const ClientKeyFlags& flags);
const auth::ClientKeys& ClientKeysInUse();
// Sets them directly (`datablox run` and its throwaway keys).
void SetClientKeys(auth::ClientKeys keys);

}  // namespace datablox::cli
