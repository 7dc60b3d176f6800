// Values crossing isolates: every kind implements one interface, created in one isolate, made real in another.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <v8.h>

#include "isolate/environment.h"

namespace isorun {

class ExternalCopyData;
struct RemoteValue;

// Makes and recognises isorun's own handle objects (Reference, ExternalCopy, …) in one isolate.
// Node's isolate has one (module/) and so does every guest.
class HandleBridge {
 public:
  virtual ~HandleBridge() = default;
  // One of our handle objects as a value to pass along; null when `object` is not ours.
  virtual std::unique_ptr<class Transferable> Recognize(v8::Local<v8::Context> context,
                                                        v8::Local<v8::Object> object) = 0;
  // Empty with an exception pending on failure.
  virtual v8::MaybeLocal<v8::Value> NewReference(v8::Local<v8::Context> context,
                                                 std::shared_ptr<RemoteValue> value) = 0;
  virtual v8::MaybeLocal<v8::Value> NewExternalCopy(v8::Local<v8::Context> context,
                                                    std::shared_ptr<ExternalCopyData> data) = 0;
};

// The isolate a value is being made in. `env` is null for Node's own isolate.
struct TransferTarget {
  v8::Isolate* isolate;
  v8::Local<v8::Context> context;
  HandleBridge* bridge;
  Environment* env;
};

class Transferable {
 public:
  virtual ~Transferable() = default;
  // Called with target.isolate and target.context entered; empty with an exception pending on failure.
  virtual v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) = 0;
};

// Node's isolate's table of values that References point at (module/); Release is thread-safe.
class HostValues {
 public:
  virtual ~HostValues() = default;
  virtual void Release(uint64_t id) = 0;
  // Node's thread only.
  virtual uint64_t Add(v8::Isolate* isolate, v8::Local<v8::Value> value) = 0;
  virtual v8::Local<v8::Value> Get(v8::Isolate* isolate, uint64_t id) = 0;
};

// A value that lives in one isolate, pointed at from others: a guest's (`owner`) or Node's (`host`).
struct RemoteValue {
  std::shared_ptr<Environment> owner;
  std::shared_ptr<HostValues> host;
  uint64_t id;
  std::string type_of;
  ~RemoteValue();
};

// Transfers as the referenced value itself, but only into the isolate that owns it (derefInto()).
class DerefTransfer : public Transferable {
 public:
  explicit DerefTransfer(std::shared_ptr<RemoteValue> value) : value_(std::move(value)) {}
  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override;
  // For Node's isolate, where the host table resolves the id.
  const std::shared_ptr<RemoteValue>& value() const { return value_; }

 private:
  std::shared_ptr<RemoteValue> value_;
};

// Transfers as a Reference handle object in the target.
class ReferenceTransfer : public Transferable {
 public:
  explicit ReferenceTransfer(std::shared_ptr<RemoteValue> value) : value_(std::move(value)) {}
  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override {
    return target.bridge->NewReference(target.context, value_);
  }

 private:
  std::shared_ptr<RemoteValue> value_;
};

// One transferable passed any number of times (copyInto()/derefInto() values).
class SharedTransfer : public Transferable {
 public:
  explicit SharedTransfer(std::shared_ptr<Transferable> value) : value_(std::move(value)) {}
  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override { return value_->TransferIn(target); }

 private:
  std::shared_ptr<Transferable> value_;
};

// `typeof` as the documented API reports it: null is "null".
std::string TypeOf(v8::Local<v8::Value> value);

void ThrowTypeError(v8::Isolate* isolate, const std::string& message);
void ThrowRangeError(v8::Isolate* isolate, const std::string& message);

}  // namespace isorun
