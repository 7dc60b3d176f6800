// Primitives (all but Symbol) copied between isolates as plain C++ data.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "transfer/transferable.h"

namespace isorun {

class PrimitiveCopy : public Transferable {
 public:
  // Null when `value` is not a transferable primitive.
  static std::unique_ptr<PrimitiveCopy> From(v8::Isolate* isolate, v8::Local<v8::Value> value);
  static std::unique_ptr<PrimitiveCopy> Undefined();
  static std::unique_ptr<PrimitiveCopy> Boolean(bool value);

  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override;
  size_t size() const { return one_byte_.size() + two_byte_.size() * 2 + words_.size() * 8; }

 private:
  enum class Kind { kUndefined, kNull, kTrue, kFalse, kNumber, kOneByteString, kTwoByteString, kBigInt };
  explicit PrimitiveCopy(Kind kind) : kind_(kind) {}

  Kind kind_;
  double number_ = 0;
  std::string one_byte_;
  std::u16string two_byte_;
  std::vector<uint64_t> words_;
  int sign_bit_ = 0;
};

}  // namespace isorun
