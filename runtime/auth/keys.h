// CURVE key pairs and the certificate files that hold them, in ZeroMQ's
// own format (czmq's zcert, which pyzmq's zmq.auth reads and writes too):
//
//   metadata
//       kind = "caretaker"
//       name = "node-a"
//   curve
//       public-key = "Z85 of 32 bytes"
//       secret-key = "..."            (only in NAME.key_secret)
//
// A public certificate NAME.key is handed out (it goes into a master's
// allow-list or to every peer that must know the master); the secret one,
// NAME.key_secret, stays with its owner and is read only when nobody else
// may read it, as ssh treats its private keys.
#pragma once

#include <map>
#include <string>

#include "datablox/status.h"

namespace datablox::auth {

struct Certificate {
  std::string public_key;                       // Z85, 40 characters
  std::string secret_key;                       // Z85, or "" in a public certificate
  std::map<std::string, std::string> metadata;  // kind, name, role (allow_list.h says what they mean)
};

// A fresh key pair (libsodium through libzmq) with no metadata.
Status GenerateCertificate(Certificate* certificate);

// Whether `key` is the Z85 text of a 32-byte key.
bool IsZ85Key(const std::string& key);

// Parses a certificate's text; errors carry `file`:LINE, all of them.
Status ParseCertificate(const std::string& text, const std::string& file, Certificate* certificate);

// Reads NAME.key or NAME.key_secret. A secret certificate must hold a secret
// key matching its public key and be readable by its owner only.
Status ReadCertificate(const std::string& path, Certificate* certificate);
// As ReadCertificate, but a certificate without a secret key is an error.
Status ReadSecretCertificate(const std::string& path, Certificate* certificate);

// Writes the public certificate to `public_path` (mode 0644) and, when
// `secret_path` is not "", the secret one (mode 0600). Never overwrites: an
// existing file is an error (rotating a key is deleting it first).
Status WriteCertificate(const Certificate& certificate, const std::string& public_path, const std::string& secret_path);

// The certificate's text as WriteCertificate writes it.
std::string FormatCertificate(const Certificate& certificate, bool with_secret);

}  // namespace datablox::auth
