// The next guest isolate, built ahead on a thread of its own so that `new Isolate()` does not wait
// for V8 to make it.
#pragma once

#include <chrono>
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

  // An isolate for `options`: the spare when it was made for equal options (waiting for one being
  // made only when it is due within kWaitAtMost), else one built here. Then a spare for these options
  // is begun.
  std::shared_ptr<Environment> Take(const Environment::Options& options);
  // How many are built and waiting (0 or 1).
  int ready() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ready_ ? 1 : 0;
  }
  // Ends the thread and frees the spare. Idempotent.
  void Stop();

 private:
  void Run();
  // Disposes a spare no call will take; never throws (the thread has no caller to throw to).
  static void Free(std::shared_ptr<Environment> env);
  using Clock = std::chrono::steady_clock;
  // Waiting longer than this for the spare would keep the caller (Node's event loop) from its work
  // for longer than building one itself takes on a busy machine.
  static constexpr Clock::duration kWaitAtMost = std::chrono::microseconds(300);
  static bool Same(const Environment::Options& a, const Environment::Options& b) {
    return a.memory_limit_bytes == b.memory_limit_bytes && a.context_setup == b.context_setup;
  }

  Services services_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Environment::Options> wanted_;  // the options of the spare to make next
  std::optional<Environment::Options> building_;
  Clock::time_point build_started_;
  Clock::duration build_time_{std::chrono::microseconds(700)};  // recent builds, smoothed
  std::shared_ptr<Environment> ready_;
  Environment::Options ready_options_;
  std::shared_ptr<Environment> stale_;  // a spare made for other options, for the thread to free
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace isorun
