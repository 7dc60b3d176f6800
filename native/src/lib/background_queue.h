// One thread of its own that runs posted jobs in order: work that nobody waits for (freeing a large
// guest heap) and that would otherwise hold an engine thread that guests' calls queue behind.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace isorun {

class BackgroundQueue {
 public:
  // `name` (at most 15 characters) names the thread.
  explicit BackgroundQueue(const char* name) : name_(name) {}
  ~BackgroundQueue() { Stop(); }
  BackgroundQueue(const BackgroundQueue&) = delete;
  BackgroundQueue& operator=(const BackgroundQueue&) = delete;

  // Starts the thread on first use. False (the job not taken) once stopping, or if no thread could be
  // started: the caller then does the work some other way. Jobs must not throw (as on the engine's
  // pool: a half-done job, such as an isolate half freed, is worse than the end of the process).
  bool Post(std::function<void()> job);
  // Runs every job already posted, then joins the thread. Idempotent.
  void Stop();
  // Jobs posted and not yet finished.
  size_t pending();

 private:
  static void* Main(void* self);
  void Loop();

  const char* const name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  size_t running_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  pthread_t thread_{};
};

}  // namespace isorun
