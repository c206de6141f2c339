/* SPDX-License-Identifier: MIT */
/*
 * rtcheck: the runtime as an ordinary program uses it. It mallocs and frees 64 MiB in
 * 1 MiB pieces twice (touching every page; the factory's INFO shows the memory came back
 * after each round), many small blocks, reads rom/rt_data.txt through stdio and checks it
 * line by line, and runs four threads that add to a counter under a mutex, start behind a
 * condition variable and keep their own TLS values. It exits with 42 when everything held
 * (the QEMU test expects that status), else with the number of the failed check.
 */
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "rt_data.h"

#define SUCCESS_STATUS 42
#define PIECE_SIZE (1u << 20)
#define PIECES 64
#define SMALL_BLOCKS 5000
#define THREADS 4
#define INCREMENTS 20000
/* Memory the program may keep after freeing everything (malloc's own state, stdio). */
#define KEPT_SLACK (512u * 1024u)

static int failed(int check, const char *what)
{
    printf("rtcheck: FAILED check %d: %s\n", check, what);
    return check;
}

static long factory_used(void)
{
    struct pecan_factory_info info;
    if (pecan_factory_info(PECAN_ENV_FACTORY, &info))
        return -1;
    return (long)info.used;
}

static int big_round(int round)
{
    static unsigned char *piece[PIECES];
    for (int i = 0; i < PIECES; i++) {
        piece[i] = malloc(PIECE_SIZE);
        if (!piece[i])
            return 0;
        memset(piece[i], (i + round) & 0xFF, PIECE_SIZE);
    }
    for (int i = 0; i < PIECES; i++) {
        unsigned char want = (unsigned char)(i + round);
        for (unsigned at = 0; at < PIECE_SIZE; at += 4096)
            if (piece[i][at] != want || piece[i][at + 4095] != want)
                return 0;
    }
    for (int i = PIECES - 1; i >= 0; i--)
        free(piece[i]);
    return 1;
}

static int small_blocks(void)
{
    static char *block[SMALL_BLOCKS];
    for (int i = 0; i < SMALL_BLOCKS; i++) {
        size_t size = 16 + (size_t)(i * 37) % 500;
        block[i] = malloc(size);
        if (!block[i])
            return 0;
        memset(block[i], i & 0x7F, size);
    }
    for (int i = 0; i < SMALL_BLOCKS; i += 2)
        free(block[i]);
    for (int i = 1; i < SMALL_BLOCKS; i += 2)
        if (block[i][0] != (char)(i & 0x7F))
            return 0;
    for (int i = 1; i < SMALL_BLOCKS; i += 2)
        free(block[i]);
    return 1;
}

static int check_memory(void)
{
    long before = factory_used();
    if (before < 0)
        return failed(1, "factory INFO");
    for (int round = 0; round < 2; round++) {
        if (!big_round(round))
            return failed(2, "64 MiB in 1 MiB pieces: allocation or content");
        long after = factory_used();
        printf("rtcheck: round %d: 64 MiB allocated and freed; factory use %ld -> %ld bytes\n",
               round, before, after);
        if (after < 0 || after > before + (long)KEPT_SLACK)
            return failed(3, "freed heap pages did not go back to the quota");
    }
    if (!small_blocks())
        return failed(4, "small blocks");
    return 0;
}

static int check_file(void)
{
    struct stat st;
    if (stat("rom/rt_data.txt", &st))
        return failed(10, "stat rom/rt_data.txt");
    FILE *f = fopen("rom/rt_data.txt", "r");
    if (!f)
        return failed(11, "fopen rom/rt_data.txt");
    char line[80], want[80];
    long bytes = 0;
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        snprintf(want, sizeof(want), RT_DATA_LINE_FORMAT, n);
        if (strcmp(line, want)) {
            fclose(f);
            return failed(12, "file content differs");
        }
        bytes += (long)strlen(line);
        n++;
    }
    if (n != RT_DATA_LINES || bytes != (long)st.st_size) {
        fclose(f);
        return failed(13, "file length");
    }
    if (fseek(f, -(long)strlen(want), SEEK_END) || !fgets(line, sizeof(line), f) ||
        strcmp(line, want)) {
        fclose(f);
        return failed(14, "seek to the last line");
    }
    fclose(f);
    if (fopen("rom/no_such_file", "r"))
        return failed(15, "a missing file opened");
    if (fopen("rom/rt_data.txt", "w"))
        return failed(16, "a rom file opened for writing");
    printf("rtcheck: rom/rt_data.txt: %d lines, %ld bytes as expected\n", n, bytes);
    return 0;
}

static struct pecan_mutex counter_lock = PECAN_MUTEX_INIT;
static struct pecan_cond go_cond = PECAN_COND_INIT;
static int go;
static unsigned long counter;
static unsigned tls_key;

static void *worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    pecan_tls_set(tls_key, (void *)(me * 1000));
    pecan_mutex_lock(&counter_lock);
    while (!go)
        pecan_cond_wait(&go_cond, &counter_lock);
    pecan_mutex_unlock(&counter_lock);
    for (int i = 0; i < INCREMENTS; i++) {
        pecan_mutex_lock(&counter_lock);
        unsigned long v = counter;
        counter = v + 1;
        pecan_mutex_unlock(&counter_lock);
    }
    if (pecan_tls_get(tls_key) != (void *)(me * 1000))
        return (void *)0;
    char *scratch = malloc(1000 + me);   /* malloc from several threads at once */
    if (!scratch)
        return (void *)0;
    free(scratch);
    return (void *)(me + 1);
}

static int check_threads(void)
{
    if (pecan_tls_key_create(&tls_key))
        return failed(20, "TLS key");
    pecan_tls_set(tls_key, (void *)7);
    struct pecan_thread *t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        if (pecan_thread_create(&t[i], worker, (void *)i))
            return failed(21, "thread create");
    pecan_mutex_lock(&counter_lock);
    go = 1;
    pecan_cond_broadcast(&go_cond);
    pecan_mutex_unlock(&counter_lock);
    for (uintptr_t i = 0; i < THREADS; i++) {
        void *result = 0;
        if (pecan_thread_join(t[i], &result))
            return failed(22, "thread join");
        if (result != (void *)(i + 1))
            return failed(23, "thread result (TLS or malloc in the thread)");
    }
    if (counter != (unsigned long)THREADS * INCREMENTS)
        return failed(24, "counter under the mutex lost increments");
    if (pecan_tls_get(tls_key) != (void *)7)
        return failed(25, "main thread's TLS value");
    /* The threads' thread objects are reused: a second round works the same. */
    struct pecan_thread *again;
    void *result = 0;
    go = 1;
    if (pecan_thread_create(&again, worker, (void *)9) || pecan_thread_join(again, &result) ||
        result != (void *)10)
        return failed(26, "thread after join (reused thread object)");
    printf("rtcheck: %d threads, counter %lu under the mutex\n", THREADS, counter);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    clock_t start = clock();
    int err = check_file();
    if (!err)
        err = check_threads();
    if (!err)
        err = check_memory();
    if (err)
        return err;
    printf("rtcheck: all checks passed in %ld ms, exiting with %d\n",
           (long)((clock() - start) * 1000 / CLOCKS_PER_SEC), SUCCESS_STATUS);
    return SUCCESS_STATUS;
}
