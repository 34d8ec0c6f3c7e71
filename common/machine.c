/* machine.c - see machine.h. */
#include "machine.h"

int machine_emulated(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[256];
    int x86 = 0, arm = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "vendor_id", 9) == 0)
            x86 = 1;
        else if (strncmp(line, "CPU implementer", 15) == 0)
            arm = 1;
    }
    fclose(f);
#if defined(__x86_64__) || defined(__i386__)
    return arm && !x86;
#else
    return x86 && !arm;
#endif
}

const char *machine_arch(void)
{
#if defined(__x86_64__)
    return "x86_64";
#elif defined(__i386__)
    return "i386";
#elif defined(__aarch64__)
    return "aarch64";
#elif defined(__arm__)
    return "armv7";
#else
    return "unknown";
#endif
}

int machine_x86_native(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return !machine_emulated();
#else
    return 0;
#endif
}

/* The affinity set the process started with, taken before any thread is
 * pinned: a thread created by a pinned thread inherits its one-CPU mask, so
 * asking the calling thread would pin everyone to the same CPU. */
static cpu_set_t start_set;
static int start_err = -1;

__attribute__((constructor)) static void machine_snapshot(void)
{
    start_err = sched_getaffinity(0, sizeof start_set, &start_set) == 0 ? 0 : errno;
}

int machine_cpus(void)
{
    if (start_err != 0)
        return 1;
    int n = CPU_COUNT(&start_set);
    return n > 0 ? n : 1;
}

int machine_pin(int n)
{
    if (start_err != 0)
        return start_err;
    cpu_set_t set = start_set;
    int count = CPU_COUNT(&set);
    if (count <= 0)
        return EINVAL;
    int want = n % count, seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set))
            continue;
        if (seen++ == want) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return pthread_setaffinity_np(pthread_self(), sizeof one, &one);
        }
    }
    return EINVAL;
}

uint64_t machine_cache_bytes(int level)
{
    for (int idx = 0; idx < 8; idx++) {
        char path[128], buf[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        int lv = 0;
        int ok = fscanf(f, "%d", &lv) == 1;
        fclose(f);
        if (!ok || lv != level)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
        f = fopen(path, "r");
        if (!f)
            continue;
        ok = fgets(buf, sizeof buf, f) != NULL;
        fclose(f);
        if (!ok || strncmp(buf, "Instruction", 11) == 0)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
        f = fopen(path, "r");
        if (!f)
            continue;
        unsigned long long v = 0;
        char unit = 0;
        int got = fscanf(f, "%llu%c", &v, &unit);
        fclose(f);
        if (got < 1)
            continue;
        if (got == 2 && (unit == 'K' || unit == 'k'))
            v <<= 10;
        else if (got == 2 && unit == 'M')
            v <<= 20;
        return v;
    }
    return 0;
}

void machine_note_emulated(const char *what)
{
    printf("NOTE: running under qemu-user on a %s host (this is an %s binary): %s is the\n"
           "      host's, so this is NOT an %s result.\n",
           machine_arch()[0] == 'x' ? "ARM" : "x86", machine_arch(), what, machine_arch());
}
