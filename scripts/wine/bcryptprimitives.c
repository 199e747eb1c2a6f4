/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks and Rust's standard
 * library imports (ProcessPrng, for its random seeds): without it no Rust program starts
 * under Wine (c0000135). Built by scripts/test-windows.sh with mingw, beside the tests;
 * never committed as a binary. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
