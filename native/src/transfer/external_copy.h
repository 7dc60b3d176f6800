// Values held outside every isolate (structured clone, raw buffers), ready to be copied into any.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "transfer/primitive_copy.h"
#include "transfer/transferable.h"

namespace isorun {

class ExternalCopyData {
 public:
  virtual ~ExternalCopyData() = default;
  // Captures `value` of the entered isolate; with `transfer`, ArrayBuffer contents are moved and the
  // source detached. Null with an exception pending on failure.
  // `clone_error`, if given, receives V8's message when the failure is a value it cannot clone.
  static std::shared_ptr<ExternalCopyData> Create(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                                  v8::Local<v8::Value> value, bool transfer,
                                                  std::string* clone_error = nullptr);
  // With `transfer`, buffer contents move into the target instead of being copied (once).
  virtual v8::MaybeLocal<v8::Value> CopyIn(const TransferTarget& target, bool transfer) = 0;
  virtual size_t size() const = 0;
  // The raw bytes of an ArrayBuffer or view copy (kept alive by this object); false for other values.
  virtual bool Bytes(const uint8_t** data, size_t* length) { return false; }
  // An ArrayBuffer copy holding `bytes`.
  static std::shared_ptr<ExternalCopyData> FromBytes(std::vector<uint8_t> bytes);
};

// A new ArrayBuffer in the target, counted against a guest's memory cap (RangeError past it).
v8::MaybeLocal<v8::ArrayBuffer> NewArrayBuffer(const TransferTarget& target, size_t length);

// Transfers as a fresh copy of the data (copyInto(), `{ copy: true }` results and arguments).
class CopyTransfer : public Transferable {
 public:
  CopyTransfer(std::shared_ptr<ExternalCopyData> data, bool transfer) : data_(std::move(data)), transfer_(transfer) {}
  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override {
    return data_->CopyIn(target, transfer_);
  }

 private:
  std::shared_ptr<ExternalCopyData> data_;
  bool transfer_;
};

// Transfers as an ExternalCopy handle object sharing the same data.
class ExternalCopyTransfer : public Transferable {
 public:
  explicit ExternalCopyTransfer(std::shared_ptr<ExternalCopyData> data) : data_(std::move(data)) {}
  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override {
    return target.bridge->NewExternalCopy(target.context, data_);
  }

 private:
  std::shared_ptr<ExternalCopyData> data_;
};

}  // namespace isorun
