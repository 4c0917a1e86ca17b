/* elf_file.h - what one ELF file says about the MySQL client library. */
#ifndef DOCTOR_ELF_FILE_H
#define DOCTOR_ELF_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_NEEDED_MAX 64
#define ELF_NAME_MAX 256
#define ELF_PATHS_MAX 1024

struct elf_file {
	unsigned char elf_class; /* ELFCLASS32 or ELFCLASS64 */
	uint16_t machine;        /* EM_* */
	uint16_t type;           /* ET_EXEC, ET_DYN, ... */
	bool has_interp;         /* PT_INTERP: a dynamically linked program */
	char client_needed[ELF_NAME_MAX]; /* the first client library needed, even
					     past the list's end */
	unsigned needed_count;
	char needed[ELF_NEEDED_MAX][ELF_NAME_MAX];
	char runpath[ELF_PATHS_MAX]; /* DT_RUNPATH, or DT_RPATH when no RUNPATH */
	bool runpath_is_rpath;
	bool defines_client;    /* defines mysql_real_connect: a copy of the library */
	bool imports_client;    /* an undefined reference to mysql_real_connect */
	bool names_client;      /* names mysql_real_connect, mysql_init and mysql_close
				   as strings, linking none: looks them up */
	bool has_client_errors; /* the client library's own error messages */
};

/* Reads `path`.  0 on success; -1 with a message in `err` when it is not an
 * ELF file this reader understands (err says why). */
int elf_read(const char *path, struct elf_file *out, char *err, unsigned errlen);

/* The same for `size` bytes in memory (the fuzzer's entry). */
int elf_parse(const unsigned char *data, size_t size, struct elf_file *out, char *err,
	      unsigned errlen);

/* True when `path` defines or imports one of `names` (NULL-terminated). */
bool elf_has_symbol(const char *path, const char *const *names);

/* Class and machine from the first bytes only; -1 when not a regular ELF file. */
int elf_identify(const char *path, unsigned char *elf_class, uint16_t *machine);

/* The machine this command was built for (EM_*), to compare programs with. */
uint16_t elf_own_machine(void);

/* "x86-64", "i386", "AArch64"... for messages. */
const char *elf_machine_name(uint16_t machine);

/* True for a client library's file name: libmariadb.so.3, libmysqlclient.so.21,
 * libperconaserverclient.so.21, libmariadbclient.so.18, ... */
bool elf_is_client_library(const char *file_name);

#endif
