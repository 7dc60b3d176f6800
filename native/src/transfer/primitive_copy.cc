#include "transfer/primitive_copy.h"

namespace isorun {

std::unique_ptr<PrimitiveCopy> PrimitiveCopy::Undefined() {
  return std::unique_ptr<PrimitiveCopy>(new PrimitiveCopy(Kind::kUndefined));
}

std::unique_ptr<PrimitiveCopy> PrimitiveCopy::Boolean(bool value) {
  return std::unique_ptr<PrimitiveCopy>(new PrimitiveCopy(value ? Kind::kTrue : Kind::kFalse));
}

std::unique_ptr<PrimitiveCopy> PrimitiveCopy::From(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  std::unique_ptr<PrimitiveCopy> copy;
  if (value->IsUndefined()) return Undefined();
  if (value->IsNull()) return std::unique_ptr<PrimitiveCopy>(new PrimitiveCopy(Kind::kNull));
  if (value->IsBoolean()) return Boolean(value->IsTrue());
  if (value->IsNumber()) {
    copy.reset(new PrimitiveCopy(Kind::kNumber));
    copy->number_ = value.As<v8::Number>()->Value();
    return copy;
  }
  if (value->IsString()) {
    v8::Local<v8::String> string = value.As<v8::String>();
    int length = string->Length();
    if (string->IsOneByte()) {
      copy.reset(new PrimitiveCopy(Kind::kOneByteString));
      copy->one_byte_.resize(size_t(length));
      string->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(copy->one_byte_.data()), 0, length,
                           v8::String::NO_NULL_TERMINATION);
    } else {
      copy.reset(new PrimitiveCopy(Kind::kTwoByteString));
      copy->two_byte_.resize(size_t(length));
      string->Write(isolate, reinterpret_cast<uint16_t*>(copy->two_byte_.data()), 0, length,
                    v8::String::NO_NULL_TERMINATION);
    }
    return copy;
  }
  if (value->IsBigInt()) {
    v8::Local<v8::BigInt> bigint = value.As<v8::BigInt>();
    copy.reset(new PrimitiveCopy(Kind::kBigInt));
    int count = bigint->WordCount();
    copy->words_.resize(size_t(count));
    bigint->ToWordsArray(&copy->sign_bit_, &count, copy->words_.data());
    return copy;
  }
  return nullptr;
}

v8::MaybeLocal<v8::Value> PrimitiveCopy::TransferIn(const TransferTarget& target) {
  v8::Isolate* isolate = target.isolate;
  switch (kind_) {
    case Kind::kUndefined:
      return v8::Undefined(isolate);
    case Kind::kNull:
      return v8::Null(isolate);
    case Kind::kTrue:
      return v8::True(isolate);
    case Kind::kFalse:
      return v8::False(isolate);
    case Kind::kNumber:
      return v8::Number::New(isolate, number_);
    case Kind::kOneByteString: {
      v8::Local<v8::String> string;
      if (!v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(one_byte_.data()),
                                      v8::NewStringType::kNormal, int(one_byte_.size()))
               .ToLocal(&string)) {
        ThrowRangeError(isolate, "Invalid string length");
        return {};
      }
      return string;
    }
    case Kind::kTwoByteString: {
      v8::Local<v8::String> string;
      if (!v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t*>(two_byte_.data()),
                                      v8::NewStringType::kNormal, int(two_byte_.size()))
               .ToLocal(&string)) {
        ThrowRangeError(isolate, "Invalid string length");
        return {};
      }
      return string;
    }
    case Kind::kBigInt: {
      v8::Local<v8::BigInt> bigint;
      if (!v8::BigInt::NewFromWords(target.context, sign_bit_, int(words_.size()), words_.data()).ToLocal(&bigint)) {
        return {};
      }
      return bigint;
    }
  }
  return {};
}

}  // namespace isorun
