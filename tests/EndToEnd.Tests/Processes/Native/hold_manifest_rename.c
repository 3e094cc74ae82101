/*
 * Test-only LD_PRELOAD shim for SyncKillPointTests ("during a manifest write"): the folder store writes a
 * manifest to "<dir>/_manifest*.json.<guid>.tmp~", flushes it to disk and rename()s it into place. This shim
 * holds the calling thread forever at the entry of that rename (after recording the temp file's path in the
 * file named by XEROSYNC_HOLD_SIGNAL, written beside it and renamed into place so a watcher sees it whole), so
 * the test can SIGKILL the process while the manifest is provably half-written: the temp file exists and the
 * manifest does not. Every other rename passes through untouched. Without XEROSYNC_HOLD_SIGNAL it does nothing.
 *
 * Built by the test with: gcc -shared -fPIC -O2 -o hold_manifest_rename.so hold_manifest_rename.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*rename_fn)(const char *, const char *);

static int is_manifest_temp(const char *path)
{
    static const char suffix[] = ".tmp~";
    size_t length = strlen(path);
    const char *name = strrchr(path, '/');
    name = name == NULL ? path : name + 1;
    return strncmp(name, "_manifest", 9) == 0 && length > sizeof suffix - 1 && strcmp(path + length - (sizeof suffix - 1), suffix) == 0;
}

int rename(const char *from, const char *to)
{
    rename_fn real = (rename_fn)dlsym(RTLD_NEXT, "rename");
    const char *signal = getenv("XEROSYNC_HOLD_SIGNAL");
    if (signal != NULL && from != NULL && is_manifest_temp(from))
    {
        char staging[4096];
        if (snprintf(staging, sizeof staging, "%s.%d.part", signal, (int)gettid()) < (int)sizeof staging)
        {
            int fd = open(staging, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd >= 0)
            {
                ssize_t ignored = write(fd, from, strlen(from));
                (void)ignored;
                close(fd);
                real(staging, signal);
            }
        }

        for (;;)
        {
            pause();
        }
    }

    return real(from, to);
}
