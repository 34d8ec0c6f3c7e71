/* siphash_test - test vectors for siphash.h, one common/check.h check each
 * family.  SipHash-2-4: all 64 vectors of the paper / reference implementation
 * (key 00 01 .. 0f, message 00 01 .. n-1, n = 0..63).  SipHash-1-3 has no
 * vectors in the paper: the same code with c = 1, d = 3 is pinned to its own
 * outputs here (so any change shows), and is trusted because the 2-4 instance
 * of the same function passes the paper's.  Also: the hash is byte-order
 * independent (u16 keys hashed little-endian). */
#include "check.h"
#include "siphash.h"

static const uint64_t vec24[64] = {
    0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
    0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
    0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
    0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
    0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
    0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
    0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
    0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
    0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
    0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
    0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
    0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
    0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
    0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
    0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
    0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

/* SipHash-1-3, same key and messages: pinned outputs of this implementation. */
static const struct { unsigned n; uint64_t h; } vec13[] = {
    { 0, 0xabac0158050fc4dc }, { 1, 0xc9f49bf37d57ca93 }, { 2, 0x82cb9b024dc7d44d },
    { 8, 0x369095118d299a8e }, { 15, 0xd320d86d2a519956 }, { 63, 0x9d199062b7bbb3a8 },
};

/* mismatch(buf, len, &used, name, n, got, want): append one mismatch to a detail line. */
static void mismatch(char *buf, size_t len, size_t *used, const char *name, unsigned n, uint64_t got, uint64_t want)
{
    int k = snprintf(buf + *used, len - *used, "%s%s n=%u: got %016" PRIx64 ", want %016" PRIx64,
                     *used ? "; " : "", name, n, got, want);
    if (k > 0)
        *used = *used + (size_t)k < len ? *used + (size_t)k : len - 1;
}

int main(int argc, char **argv)
{
    struct sip_key key = { 0x0706050403020100, 0x0f0e0d0c0b0a0908 };
    uint8_t msg[64];
    char bad24[400] = "", bad13[400] = "";
    size_t u24 = 0, u13 = 0;
    check_args(argc, argv, "usage: siphash_test\n\nChecks siphash.h against the SipHash-2-4 paper's 64 test vectors and\n"
                           "pinned SipHash-1-3 vectors, and that u16 keys hash little-endian (no options;\n"
                           "common/check.h lines).\n");
    for (unsigned i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    unsigned ok24 = 0, ok13 = 0, n13 = sizeof vec13 / sizeof *vec13;
    for (unsigned n = 0; n < 64; n++) {
        uint64_t h = siphash24(key, msg, n);
        if (h == vec24[n])
            ok24++;
        else
            mismatch(bad24, sizeof bad24, &u24, "SipHash-2-4", n, h, vec24[n]);
    }
    for (unsigned i = 0; i < n13; i++) {
        uint64_t h = siphash13(key, msg, vec13[i].n);
        if (h == vec13[i].h)
            ok13++;
        else
            mismatch(bad13, sizeof bad13, &u13, "SipHash-1-3", vec13[i].n, h, vec13[i].h);
    }
    CHECK_THAT(ok24 == 64, "SipHash-2-4: 64 of 64 paper vectors match", "%u match; %s", ok24, bad24);
    CHECK_THAT(ok13 == n13, "SipHash-1-3: the pinned vectors match", "%u of %u match; %s", ok13, n13, bad13);
    uint8_t two[2] = { 0x34, 0x12 };
    CHECK_EQ_U64(siphash13_u16(key, 0x1234), siphash13(key, two, 2), "u16 keys are hashed little-endian");
    return check_done();
}
