#include "transfer/external_copy.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace isorun {

namespace {

class PrimitiveData : public ExternalCopyData {
 public:
  explicit PrimitiveData(std::unique_ptr<PrimitiveCopy> value) : value_(std::move(value)) {}
  v8::MaybeLocal<v8::Value> CopyIn(const TransferTarget& target, bool transfer) override {
    return value_->TransferIn(target);
  }
  size_t size() const override { return value_->size(); }

 private:
  std::unique_ptr<PrimitiveCopy> value_;
};

enum class View {
  kArrayBuffer,
  kSharedArrayBuffer,
  kDataView,
  kUint8,
  kUint8Clamped,
  kInt8,
  kUint16,
  kInt16,
  kUint32,
  kInt32,
  kFloat32,
  kFloat64,
  kBigInt64,
  kBigUint64
};

View ViewOf(v8::Local<v8::Value> value) {
  if (value->IsSharedArrayBuffer()) return View::kSharedArrayBuffer;
  if (value->IsArrayBuffer()) return View::kArrayBuffer;
  if (value->IsDataView()) return View::kDataView;
  if (value->IsUint8Array()) return View::kUint8;
  if (value->IsUint8ClampedArray()) return View::kUint8Clamped;
  if (value->IsInt8Array()) return View::kInt8;
  if (value->IsUint16Array()) return View::kUint16;
  if (value->IsInt16Array()) return View::kInt16;
  if (value->IsUint32Array()) return View::kUint32;
  if (value->IsInt32Array()) return View::kInt32;
  if (value->IsFloat32Array()) return View::kFloat32;
  if (value->IsFloat64Array()) return View::kFloat64;
  if (value->IsBigInt64Array()) return View::kBigInt64;
  return View::kBigUint64;
}

size_t ElementSize(View view) {
  switch (view) {
    case View::kUint16:
    case View::kInt16:
      return 2;
    case View::kUint32:
    case View::kInt32:
    case View::kFloat32:
      return 4;
    case View::kFloat64:
    case View::kBigInt64:
    case View::kBigUint64:
      return 8;
    default:
      return 1;
  }
}

// What a guest's ArrayBuffer made over another store's memory keeps alive, and what it counted.
struct AdoptedStore {
  std::shared_ptr<v8::BackingStore> store;
  std::shared_ptr<LimitedAllocator> allocator;
  size_t counted;
};

// An ArrayBuffer of the target over the first `length` bytes of `store`, in constant time. In a guest it
// is fixed-length (a resizable store would grow with memory from V8's page allocator, outside the cap)
// and its bytes count against the guest's memory cap until the guest's buffer is freed. Empty with a
// RangeError past the cap.
v8::MaybeLocal<v8::ArrayBuffer> AdoptArrayBuffer(const TransferTarget& target,
                                                 const std::shared_ptr<v8::BackingStore>& store, size_t length) {
  if (target.env == nullptr) return v8::ArrayBuffer::New(target.isolate, store);
  if (length == 0) return v8::ArrayBuffer::New(target.isolate, 0);
  const std::shared_ptr<LimitedAllocator>& allocator = target.env->allocator();
  if (!allocator->Count(length)) {
    ThrowRangeError(target.isolate, "Array buffer allocation failed");
    return {};
  }
  auto adopted = std::make_unique<AdoptedStore>(AdoptedStore{store, allocator, length});
  // The deleter may run on a V8 background thread: Uncount is atomic.
  auto wrapped = v8::ArrayBuffer::NewBackingStore(
      store->Data(), length,
      [](void*, size_t, void* holder) {
        std::unique_ptr<AdoptedStore> owned(static_cast<AdoptedStore*>(holder));
        owned->allocator->Uncount(owned->counted);
      },
      adopted.get());
  adopted.release();
  return v8::ArrayBuffer::New(target.isolate, std::move(wrapped));
}

// A growable SharedArrayBuffer's store as a fixed-length one over the same memory, which it keeps alive:
// a guest growing it would commit memory outside its cap. Other stores as they are.
std::shared_ptr<v8::BackingStore> FixedShared(std::shared_ptr<v8::BackingStore> store) {
  if (!store->IsResizableByUserJavaScript()) return store;
  auto kept = std::make_unique<std::shared_ptr<v8::BackingStore>>(store);
  std::shared_ptr<v8::BackingStore> fixed = v8::SharedArrayBuffer::NewBackingStore(
      store->Data(), store->ByteLength(),
      [](void*, size_t, void* holder) {
        std::unique_ptr<std::shared_ptr<v8::BackingStore>> owned(
            static_cast<std::shared_ptr<v8::BackingStore>*>(holder));
      },
      kept.get());
  kept.release();
  return fixed;
}

// An ArrayBuffer, SharedArrayBuffer or view: raw bytes, no serialization.
class BufferData : public ExternalCopyData {
 public:
  BufferData(View view, std::shared_ptr<v8::BackingStore> store, size_t offset, size_t length, bool owned)
      : view_(view), store_(std::move(store)), offset_(offset), length_(length), owned_(owned) {}

  v8::MaybeLocal<v8::Value> CopyIn(const TransferTarget& target, bool transfer) override {
    v8::Isolate* isolate = target.isolate;
    if (view_ == View::kSharedArrayBuffer) return v8::SharedArrayBuffer::New(isolate, store_);
    bool move = transfer && owned_;
    std::shared_ptr<v8::BackingStore> store;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // A move takes the store, so that one caller alone gets its bytes.
      store = move ? std::move(store_) : store_;
    }
    if (!store) {
      ThrowTypeError(isolate, "This ExternalCopy's buffer has already been transferred");
      return {};
    }
    v8::Local<v8::ArrayBuffer> buffer;
    if (move) {
      if (!AdoptArrayBuffer(target, store, offset_ + length_).ToLocal(&buffer)) {
        std::lock_guard<std::mutex> lock(mutex_);
        store_ = std::move(store);  // refused: the bytes stay here
        return {};
      }
      return MakeView(buffer, offset_);
    }
    if (!NewArrayBuffer(target, length_).ToLocal(&buffer)) return {};
    if (length_ > 0) {
      std::memcpy(buffer->GetBackingStore()->Data(), static_cast<uint8_t*>(store->Data()) + offset_, length_);
    }
    return MakeView(buffer, 0);
  }

  size_t size() const override { return length_; }

  bool Bytes(const uint8_t** data, size_t* length) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!store_ || view_ == View::kSharedArrayBuffer) return false;
    *data = static_cast<const uint8_t*>(store_->Data()) + offset_;
    *length = length_;
    return true;
  }

  static std::shared_ptr<BufferData> Adopt(std::vector<uint8_t> bytes) {
    size_t length = bytes.size();
    auto* owned = new std::vector<uint8_t>(std::move(bytes));
    auto store = v8::ArrayBuffer::NewBackingStore(
        owned->data(), length, [](void*, size_t, void* holder) { delete static_cast<std::vector<uint8_t>*>(holder); },
        owned);
    return std::make_shared<BufferData>(View::kArrayBuffer, std::move(store), 0, length, true);
  }

 private:
  v8::Local<v8::Value> MakeView(v8::Local<v8::ArrayBuffer> buffer, size_t offset) const {
    size_t count = length_ / ElementSize(view_);
    switch (view_) {
      case View::kArrayBuffer:
      case View::kSharedArrayBuffer:
        return buffer;
      case View::kDataView:
        return v8::DataView::New(buffer, offset, length_);
      case View::kUint8:
        return v8::Uint8Array::New(buffer, offset, count);
      case View::kUint8Clamped:
        return v8::Uint8ClampedArray::New(buffer, offset, count);
      case View::kInt8:
        return v8::Int8Array::New(buffer, offset, count);
      case View::kUint16:
        return v8::Uint16Array::New(buffer, offset, count);
      case View::kInt16:
        return v8::Int16Array::New(buffer, offset, count);
      case View::kUint32:
        return v8::Uint32Array::New(buffer, offset, count);
      case View::kInt32:
        return v8::Int32Array::New(buffer, offset, count);
      case View::kFloat32:
        return v8::Float32Array::New(buffer, offset, count);
      case View::kFloat64:
        return v8::Float64Array::New(buffer, offset, count);
      case View::kBigInt64:
        return v8::BigInt64Array::New(buffer, offset, count);
      case View::kBigUint64:
        return v8::BigUint64Array::New(buffer, offset, count);
    }
    return buffer;
  }

  View view_;
  std::mutex mutex_;
  std::shared_ptr<v8::BackingStore> store_;
  size_t offset_;
  size_t length_;
  // True when the store holds exactly our bytes and may be handed over whole.
  bool owned_;
};

class SerializerDelegate : public v8::ValueSerializer::Delegate {
 public:
  SerializerDelegate(v8::Isolate* isolate, std::vector<std::shared_ptr<v8::BackingStore>>* shared,
                     std::string* clone_error)
      : isolate_(isolate), shared_(shared), clone_error_(clone_error) {}
  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    if (clone_error_ != nullptr) {
      v8::String::Utf8Value text(isolate_, message);
      *clone_error_ = *text != nullptr ? *text : "";
    }
    v8::Local<v8::Value> error = v8::Exception::TypeError(message);
    isolate_->ThrowException(error);
  }
  v8::Maybe<uint32_t> GetSharedArrayBufferId(v8::Isolate* isolate, v8::Local<v8::SharedArrayBuffer> buffer) override {
    shared_->push_back(FixedShared(buffer->GetBackingStore()));
    return v8::Just(uint32_t(shared_->size() - 1));
  }

 private:
  v8::Isolate* isolate_;
  std::vector<std::shared_ptr<v8::BackingStore>>* shared_;
  std::string* clone_error_;
};

class DeserializerDelegate : public v8::ValueDeserializer::Delegate {
 public:
  explicit DeserializerDelegate(const std::vector<std::shared_ptr<v8::BackingStore>>* shared) : shared_(shared) {}
  v8::MaybeLocal<v8::SharedArrayBuffer> GetSharedArrayBufferFromId(v8::Isolate* isolate, uint32_t id) override {
    if (id >= shared_->size()) {
      ThrowTypeError(isolate, "Invalid SharedArrayBuffer in copied data");
      return {};
    }
    return v8::SharedArrayBuffer::New(isolate, (*shared_)[id]);
  }

 private:
  const std::vector<std::shared_ptr<v8::BackingStore>>* shared_;
};

// V8's SerializationTag::kResizableArrayBuffer: a copy whose bytes lack it holds no resizable buffer.
constexpr char kResizableArrayBufferTag = '~';

// Whether `root`, just made by ValueDeserializer, holds a resizable ArrayBuffer. Reads own enumerable
// properties (all data properties, as the deserializer makes them), an Error's own `cause`, Map and Set
// entries and views' buffers: no code of the guest runs. Nothing with an exception pending on failure.
v8::Maybe<bool> HoldsResizableBuffer(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> root) {
  v8::HandleScope scope(isolate);
  v8::Local<v8::Set> seen = v8::Set::New(isolate);
  v8::Local<v8::String> cause = v8::String::NewFromUtf8Literal(isolate, "cause");
  auto filter = static_cast<v8::PropertyFilter>(v8::ONLY_ENUMERABLE | v8::SKIP_SYMBOLS);
  std::vector<v8::Local<v8::Value>> pending{root};
  while (!pending.empty()) {
    v8::Local<v8::Value> value = pending.back();
    pending.pop_back();
    bool visited;
    if (!value->IsObject() || value->IsSharedArrayBuffer()) continue;
    if (!seen->Has(context, value).To(&visited)) return v8::Nothing<bool>();
    if (visited) continue;
    if (seen->Add(context, value).IsEmpty()) return v8::Nothing<bool>();
    if (value->IsArrayBuffer()) {
      if (value.As<v8::ArrayBuffer>()->GetBackingStore()->IsResizableByUserJavaScript()) return v8::Just(true);
      continue;
    }
    if (value->IsArrayBufferView()) {
      pending.push_back(value.As<v8::ArrayBufferView>()->Buffer());
      continue;
    }
    if (value->IsMap() || value->IsSet()) {
      pending.push_back(value->IsMap() ? value.As<v8::Map>()->AsArray() : value.As<v8::Set>()->AsArray());
      continue;
    }
    v8::Local<v8::Object> object = value.As<v8::Object>();
    v8::Local<v8::Array> keys;
    if (!object->GetOwnPropertyNames(context, filter, v8::KeyConversionMode::kKeepNumbers).ToLocal(&keys)) {
      return v8::Nothing<bool>();
    }
    for (uint32_t i = 0; i < keys->Length(); ++i) {
      v8::Local<v8::Value> key;
      v8::Local<v8::Value> child;
      if (!keys->Get(context, i).ToLocal(&key) || !object->Get(context, key).ToLocal(&child)) {
        return v8::Nothing<bool>();
      }
      pending.push_back(child);
    }
    bool has_cause = false;
    if (value->IsNativeError() && !object->HasOwnProperty(context, cause).To(&has_cause)) return v8::Nothing<bool>();
    if (has_cause) {
      v8::Local<v8::Value> child;
      if (!object->Get(context, cause).ToLocal(&child)) return v8::Nothing<bool>();
      pending.push_back(child);
    }
  }
  return v8::Just(false);
}

// Everything else: V8's structured clone wire format.
class SerializedData : public ExternalCopyData {
 public:
  SerializedData(std::vector<uint8_t> bytes, std::vector<std::shared_ptr<v8::BackingStore>> shared)
      : bytes_(std::move(bytes)),
        shared_(std::move(shared)),
        may_hold_resizable_(std::memchr(bytes_.data(), kResizableArrayBufferTag, bytes_.size()) != nullptr) {}

  v8::MaybeLocal<v8::Value> CopyIn(const TransferTarget& target, bool transfer) override {
    v8::Isolate* isolate = target.isolate;
    v8::Local<v8::Value> value;
    {
      v8::TryCatch try_catch(isolate);
      DeserializerDelegate delegate(&shared_);
      v8::ValueDeserializer deserializer(isolate, bytes_.data(), bytes_.size(), &delegate);
      bool ok = deserializer.ReadHeader(target.context).FromMaybe(false) &&
                deserializer.ReadValue(target.context).ToLocal(&value);
      if (!ok) {
        if (try_catch.HasCaught() || try_catch.HasTerminated()) {
          try_catch.ReThrow();
          return {};
        }
        // V8 fails without an exception when an ArrayBuffer inside cannot be allocated.
        ThrowRangeError(isolate, "Array buffer allocation failed");
        return {};
      }
    }
    // V8 rebuilds a resizable ArrayBuffer resizable, with memory from its page allocator: in a guest it
    // would hold and grow memory outside the cap.
    if (target.env != nullptr && may_hold_resizable_) {
      bool resizable;
      if (!HoldsResizableBuffer(isolate, target.context, value).To(&resizable)) return {};
      if (resizable) {
        ThrowTypeError(isolate,
                       "A resizable ArrayBuffer inside a copied value cannot enter an isolate: it would hold and "
                       "grow memory outside the isolate's memoryLimit. Pass the buffer on its own (it arrives "
                       "fixed-length) or copy its bytes into a fixed ArrayBuffer");
        return {};
      }
    }
    return value;
  }

  size_t size() const override { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
  std::vector<std::shared_ptr<v8::BackingStore>> shared_;
  bool may_hold_resizable_;
};

std::shared_ptr<ExternalCopyData> CreateBuffer(v8::Isolate* isolate, v8::Local<v8::Value> value, bool transfer) {
  View view = ViewOf(value);
  if (view == View::kSharedArrayBuffer) {
    auto store = FixedShared(value.As<v8::SharedArrayBuffer>()->GetBackingStore());
    size_t length = store->ByteLength();
    return std::make_shared<BufferData>(view, std::move(store), 0, length, false);
  }
  v8::Local<v8::ArrayBuffer> buffer;
  size_t offset = 0;
  size_t length = 0;
  if (view == View::kArrayBuffer) {
    buffer = value.As<v8::ArrayBuffer>();
    length = buffer->ByteLength();
  } else {
    auto array_view = value.As<v8::ArrayBufferView>();
    buffer = array_view->Buffer();
    offset = array_view->ByteOffset();
    length = array_view->ByteLength();
  }
  if (transfer) {
    if (!buffer->IsDetachable()) {
      ThrowTypeError(isolate,
                     "ExternalCopy: 'transfer' needs an ArrayBuffer that can be detached; this one cannot "
                     "(a WebAssembly.Memory buffer?); copy it instead");
      return nullptr;
    }
    // Detaching is all or nothing: moving a window would take the rest of the buffer with it (for a
    // small Node Buffer, Node's shared pool and every later Buffer.from).
    if (offset != 0 || length != buffer->ByteLength()) {
      ThrowTypeError(isolate,
                     "ExternalCopy: 'transfer' needs a view over its whole ArrayBuffer; this one covers part of "
                     "it (a pooled Node Buffer?); copy it instead");
      return nullptr;
    }
    auto store = buffer->GetBackingStore();
    if (buffer->Detach(v8::Local<v8::Value>()).IsNothing()) return nullptr;
    return std::make_shared<BufferData>(view, std::move(store), offset, length, true);
  }
  void* bytes = std::malloc(length == 0 ? 1 : length);
  if (bytes == nullptr) {
    ThrowRangeError(isolate, "Array buffer allocation failed");
    return nullptr;
  }
  if (length > 0) std::memcpy(bytes, static_cast<uint8_t*>(buffer->GetBackingStore()->Data()) + offset, length);
  auto store = v8::ArrayBuffer::NewBackingStore(
      bytes, length, [](void* data, size_t, void*) { std::free(data); }, nullptr);
  return std::make_shared<BufferData>(view, std::move(store), 0, length, true);
}

}  // namespace

std::shared_ptr<ExternalCopyData> ExternalCopyData::FromBytes(std::vector<uint8_t> bytes) {
  return BufferData::Adopt(std::move(bytes));
}

v8::MaybeLocal<v8::ArrayBuffer> NewArrayBuffer(const TransferTarget& target, size_t length) {
  if (target.env == nullptr) return v8::ArrayBuffer::New(target.isolate, length);
  // v8::ArrayBuffer::New aborts the process when the allocator refuses, so allocate here first.
  const std::shared_ptr<LimitedAllocator>& allocator = target.env->allocator();
  void* data = allocator->AllocateUninitialized(length);
  if (data == nullptr) {
    ThrowRangeError(target.isolate, "Array buffer allocation failed");
    return {};
  }
  auto* keep = new std::shared_ptr<LimitedAllocator>(allocator);
  auto store = v8::ArrayBuffer::NewBackingStore(
      data, length,
      [](void* bytes, size_t size, void* holder) {
        auto* owner = static_cast<std::shared_ptr<LimitedAllocator>*>(holder);
        (*owner)->Free(bytes, size);
        delete owner;
      },
      keep);
  return v8::ArrayBuffer::New(target.isolate, std::move(store));
}

std::shared_ptr<ExternalCopyData> ExternalCopyData::Create(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                                           v8::Local<v8::Value> value, bool transfer,
                                                           std::string* clone_error) {
  if (auto primitive = PrimitiveCopy::From(isolate, value))
    return std::make_shared<PrimitiveData>(std::move(primitive));
  if (value->IsArrayBuffer() || value->IsSharedArrayBuffer() || value->IsArrayBufferView()) {
    return CreateBuffer(isolate, value, transfer);
  }
  std::vector<std::shared_ptr<v8::BackingStore>> shared;
  SerializerDelegate delegate(isolate, &shared, clone_error);
  v8::ValueSerializer serializer(isolate, &delegate);
  serializer.WriteHeader();
  if (serializer.WriteValue(context, value).IsNothing()) return nullptr;
  std::pair<uint8_t*, size_t> released = serializer.Release();
  std::vector<uint8_t> bytes(released.first, released.first + released.second);
  std::free(released.first);
  return std::make_shared<SerializedData>(std::move(bytes), std::move(shared));
}

}  // namespace isorun
