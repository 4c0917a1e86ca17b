/* fuzz_elf.c - libFuzzer target for the doctor's ELF reader: it is pointed
 * at arbitrary files, so no input may make it read out of bounds, loop
 * without end or crash. */
#include <stddef.h>
#include <stdint.h>

#include "../tools/doctor/elf_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_file f;
	char err[128];

	elf_parse(data, size, &f, err, sizeof(err));
	return 0;
}
