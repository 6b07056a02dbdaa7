// A lock-free single-producer / single-consumer ring of trivially copyable
// values, used between the decode thread (producer) and the PortAudio
// callback (consumer).
//
// The storage is allocated once, in the constructor; Write and Read never
// allocate, lock or wait, so the consumer may run in a real-time callback.
// Exactly one thread may call the producer methods (Write, WritableCount) and
// exactly one thread the consumer methods (Read, ReadableCount, DiscardAll)
// at a time. Reset may only be called while neither side is active.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>
#include <type_traits>

namespace tonearm::player {

template <typename T>
class SpscRingBuffer {
    static_assert(std::is_trivially_copyable_v<T>, "ring values are copied with memcpy");

public:
    // capacity is rounded up to a power of two (at least 2).
    explicit SpscRingBuffer(size_t capacity)
        : capacity_(RoundUpToPowerOfTwo(capacity)),
          mask_(capacity_ - 1),
          storage_(new T[capacity_]) {}

    SpscRingBuffer(const SpscRingBuffer&) = delete;
    SpscRingBuffer& operator=(const SpscRingBuffer&) = delete;

    size_t capacity() const { return capacity_; }

    // Producer: how many values Write would accept now.
    size_t WritableCount() const {
        size_t write = write_.load(std::memory_order_relaxed);
        size_t read = read_.load(std::memory_order_acquire);
        return capacity_ - (write - read);
    }

    // Producer: copies up to count values in; returns how many were copied.
    size_t Write(const T* values, size_t count) {
        size_t write = write_.load(std::memory_order_relaxed);
        size_t read = read_.load(std::memory_order_acquire);
        size_t n = std::min(count, capacity_ - (write - read));
        CopyIn(write, values, n);
        write_.store(write + n, std::memory_order_release);
        return n;
    }

    // Consumer: how many values Read would return now.
    size_t ReadableCount() const {
        size_t read = read_.load(std::memory_order_relaxed);
        size_t write = write_.load(std::memory_order_acquire);
        return write - read;
    }

    // Consumer: copies up to count values out; returns how many were copied.
    size_t Read(T* values, size_t count) {
        size_t read = read_.load(std::memory_order_relaxed);
        size_t write = write_.load(std::memory_order_acquire);
        size_t n = std::min(count, write - read);
        CopyOut(read, values, n);
        read_.store(read + n, std::memory_order_release);
        return n;
    }

    // Consumer: drops everything readable now; returns how many were dropped.
    size_t DiscardAll() {
        size_t read = read_.load(std::memory_order_relaxed);
        size_t write = write_.load(std::memory_order_acquire);
        read_.store(write, std::memory_order_release);
        return write - read;
    }

    // Any thread: values in the ring at some moment during the call.
    size_t SizeApprox() const {
        size_t read = read_.load(std::memory_order_acquire);
        size_t write = write_.load(std::memory_order_acquire);
        return write >= read ? write - read : 0;
    }

    // Empties the ring. Only while no producer or consumer call is running.
    void Reset() {
        read_.store(0, std::memory_order_relaxed);
        write_.store(0, std::memory_order_release);
    }

private:
    static size_t RoundUpToPowerOfTwo(size_t n) {
        size_t p = 2;
        while (p < n)
            p <<= 1;
        return p;
    }

    void CopyIn(size_t position, const T* values, size_t n) {
        size_t start = position & mask_;
        size_t first = std::min(n, capacity_ - start);
        std::memcpy(storage_.get() + start, values, first * sizeof(T));
        std::memcpy(storage_.get(), values + first, (n - first) * sizeof(T));
    }

    void CopyOut(size_t position, T* values, size_t n) const {
        size_t start = position & mask_;
        size_t first = std::min(n, capacity_ - start);
        std::memcpy(values, storage_.get() + start, first * sizeof(T));
        std::memcpy(values + first, storage_.get(), (n - first) * sizeof(T));
    }

    const size_t capacity_;
    const size_t mask_;
    std::unique_ptr<T[]> storage_;
    // Monotonic counters; the index into storage_ is counter & mask_.
    alignas(64) std::atomic<size_t> write_{0};  // stored by the producer only
    alignas(64) std::atomic<size_t> read_{0};   // stored by the consumer only
};

}  // namespace tonearm::player
