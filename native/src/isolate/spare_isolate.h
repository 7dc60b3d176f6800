// The next guest isolate, built ahead on a thread of its own so that `new Isolate()` does not wait
// for V8 to make it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "isolate/environment.h"

namespace isorun {

// V8 takes ~0.5 ms to make an isolate (Isolate::Initialize deserializes the startup snapshot) and
// ~0.1 ms more to load the guards' code into it, on the caller's thread: Node's. A program that
// creates isolates one after another (a pool replacing those it disposed, a fresh isolate per job)
// gets the next one built meanwhile on another core. One spare at a time, made for the options of
// the latest request; a request with other options builds its own as before. Nothing runs in a
// spare but V8's setup and the engine's own guards, so a spare is exactly what a fresh build is.
class SpareIsolate {
 public:
  explicit SpareIsolate(const Services& services) : services_(services) {}
  ~SpareIsolate() { Stop(); }
  SpareIsolate(const SpareIsolate&) = delete;
  SpareIsolate& operator=(const SpareIsolate&) = delete;

  // An isolate for `options`: the spare when it was made for equal options (waiting for it if it is
  // being made), else one built here. Then a spare for these options is begun.
  std::shared_ptr<Environment> Take(const Environment::Options& options);
  // Ends the thread and frees the spare. Idempotent.
  void Stop();

 private:
  void Run();
  static bool Same(const Environment::Options& a, const Environment::Options& b) {
    return a.memory_limit_bytes == b.memory_limit_bytes && a.context_setup == b.context_setup;
  }

  Services services_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Environment::Options> wanted_;  // the options of the spare to make next
  std::optional<Environment::Options> building_;
  std::shared_ptr<Environment> ready_;
  Environment::Options ready_options_;
  std::shared_ptr<Environment> stale_;  // a spare made for other options, for the thread to free
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace isorun
