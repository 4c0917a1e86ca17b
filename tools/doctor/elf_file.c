/* elf_file.c - read the few facts the doctor needs from an ELF file: its class
 * and machine, the libraries it needs, its run path, and whether it defines,
 * imports or merely names the client library's entry point.
 *
 * The file is mapped read-only and every offset is checked against its size:
 * the doctor is pointed at arbitrary files. */
#include "elf_file.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLIENT_ENTRY "mysql_real_connect"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OWN_DATA ELFDATA2LSB
#else
#define OWN_DATA ELFDATA2MSB
#endif

/* The client library's own error text (Connector/C, then Oracle's), kept
 * in two halves joined at run time: whole, it would be in the doctor's own
 * file, which would then pass for a static copy of the library. */
static const char *const client_errors[][2] = {
	{"Lost connection to ", "server during query"},
	{"Lost connection to ", "MySQL server during query"},
};

/* A program that looks the library up names at least these functions (in
 * halves here, for the same reason). */
static const char *const looked_up_names[][2] = {
	{"mysql_", "real_connect"}, {"mysql_", "init"}, {"mysql_", "close"},
};

struct image {
	const unsigned char *data;
	size_t size;
	bool is64;
};

/* A section header, whatever the class. */
struct section {
	uint32_t type;
	uint32_t link;
	uint64_t offset;
	uint64_t size;
	uint64_t entsize;
};

static void say(char *err, unsigned errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool in_file(const struct image *im, uint64_t off, uint64_t len)
{
	return off <= im->size && len <= im->size - off;
}

/* Where table entry `i` starts, if the whole entry lies in the file: the
 * header's offsets are the file's word, and may wrap around. */
static const unsigned char *entry_at(const struct image *im, uint64_t table, unsigned i,
				     unsigned entsize)
{
	uint64_t off;

	if (__builtin_mul_overflow((uint64_t)i, (uint64_t)entsize, &off) ||
	    __builtin_add_overflow(off, table, &off) || !in_file(im, off, entsize))
		return NULL;
	return im->data + off;
}

static bool section_at(const struct image *im, uint64_t shoff, unsigned i,
		       unsigned shentsize, struct section *s)
{
	const unsigned char *p = entry_at(im, shoff, i, shentsize);

	if (!p)
		return false;
	if (im->is64) {
		Elf64_Shdr h;

		if (shentsize < sizeof(h))
			return false;
		memcpy(&h, p, sizeof(h));
		*s = (struct section){h.sh_type, h.sh_link, h.sh_offset, h.sh_size,
				      h.sh_entsize};
	} else {
		Elf32_Shdr h;

		if (shentsize < sizeof(h))
			return false;
		memcpy(&h, p, sizeof(h));
		*s = (struct section){h.sh_type, h.sh_link, h.sh_offset, h.sh_size,
				      h.sh_entsize};
	}
	return in_file(im, s->offset, s->type == SHT_NOBITS ? 0 : s->size);
}

/* A NUL-terminated string at `off` in string section `str`, or NULL. */
static const char *string_at(const struct image *im, const struct section *str,
			     uint64_t off)
{
	const char *s;

	if (off >= str->size)
		return NULL;
	s = (const char *)im->data + str->offset + off;
	return memchr(s, '\0', str->size - off) ? s : NULL;
}

static void add_needed(struct elf_file *out, const char *name)
{
	if (!out->client_needed[0] && elf_is_client_library(name))
		snprintf(out->client_needed, sizeof(out->client_needed), "%s", name);
	if (out->needed_count < ELF_NEEDED_MAX)
		snprintf(out->needed[out->needed_count++], ELF_NAME_MAX, "%s", name);
}

static void read_dynamic_entry(struct elf_file *out, const char *value, int64_t tag)
{
	if (tag == DT_NEEDED) {
		add_needed(out, value);
	} else if (tag == DT_RUNPATH) {
		snprintf(out->runpath, sizeof(out->runpath), "%s", value);
		out->runpath_is_rpath = false;
	} else if (tag == DT_RPATH && !out->runpath[0]) {
		snprintf(out->runpath, sizeof(out->runpath), "%s", value);
		out->runpath_is_rpath = true;
	}
}

/* One entry of a dynamic section, whatever the class. */
static void dynamic_entry(const struct image *im, const unsigned char *p, int64_t *tag,
			  uint64_t *val)
{
	if (im->is64) {
		Elf64_Dyn d;

		memcpy(&d, p, sizeof(d));
		*tag = d.d_tag, *val = d.d_un.d_val;
	} else {
		Elf32_Dyn d;

		memcpy(&d, p, sizeof(d));
		*tag = d.d_tag, *val = d.d_un.d_val;
	}
}

/* One symbol: where its name is, and whether it is defined here. */
static void symbol_entry(const struct image *im, const unsigned char *p, uint64_t *name,
			 bool *defined)
{
	if (im->is64) {
		Elf64_Sym e;

		memcpy(&e, p, sizeof(e));
		*name = e.st_name, *defined = e.st_shndx != SHN_UNDEF;
	} else {
		Elf32_Sym e;

		memcpy(&e, p, sizeof(e));
		*name = e.st_name, *defined = e.st_shndx != SHN_UNDEF;
	}
}

static void read_dynamic(const struct image *im, const struct section *dyn,
			 const struct section *str, struct elf_file *out)
{
	size_t entsize = im->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	int64_t tag;
	uint64_t val;

	for (uint64_t off = 0; off + entsize <= dyn->size; off += entsize) {
		const char *value;

		dynamic_entry(im, im->data + dyn->offset + off, &tag, &val);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED && tag != DT_RUNPATH && tag != DT_RPATH)
			continue;
		value = string_at(im, str, val);
		if (value)
			read_dynamic_entry(out, value, tag);
	}
}

/* Symbols asked about: whether one of them is defined here, or imported. */
struct symbol_query {
	const char *const *names;
	bool defined, imported;
};

static bool name_in(const char *s, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(s, *names) == 0)
			return true;
	return false;
}

static void read_symbols(const struct image *im, const struct section *sym,
			 const struct section *str, struct symbol_query *q)
{
	size_t entsize = im->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	uint64_t name;
	bool defined;

	for (uint64_t off = 0; off + entsize <= sym->size; off += entsize) {
		const char *s;

		symbol_entry(im, im->data + sym->offset + off, &name, &defined);
		s = string_at(im, str, name);
		if (!s || !name_in(s, q->names))
			continue;
		if (defined)
			q->defined = true;
		else
			q->imported = true;
	}
}

/* The section header table's place, and the file's type. */
static void header_fields(const struct image *im, uint64_t *shoff, unsigned *shnum,
			  unsigned *shentsize, struct elf_file *out)
{
	if (im->is64) {
		Elf64_Ehdr h;

		memcpy(&h, im->data, sizeof(h));
		*shoff = h.e_shoff, *shnum = h.e_shnum, *shentsize = h.e_shentsize;
		out->type = h.e_type;
	} else {
		Elf32_Ehdr h;

		memcpy(&h, im->data, sizeof(h));
		*shoff = h.e_shoff, *shnum = h.e_shnum, *shentsize = h.e_shentsize;
		out->type = h.e_type;
	}
}

/* The section header table must lie in the file: a truncated file would
 * otherwise pass for one without sections. */
static bool sections_in_file(const struct image *im, uint64_t shoff, unsigned shnum,
			     unsigned shentsize)
{
	uint64_t len;

	return !shoff || (!__builtin_mul_overflow((uint64_t)shnum, (uint64_t)shentsize, &len) &&
			  in_file(im, shoff, len));
}

static int read_sections(const struct image *im, struct elf_file *out,
			 struct symbol_query *q, bool *saw_dynamic)
{
	uint64_t shoff;
	unsigned shnum, shentsize;
	struct section s, str;

	header_fields(im, &shoff, &shnum, &shentsize, out);
	if (!sections_in_file(im, shoff, shnum, shentsize))
		return -1;
	for (unsigned i = 0; shoff && i < shnum; i++) {
		if (!section_at(im, shoff, i, shentsize, &s))
			continue;
		if (s.type != SHT_DYNAMIC && s.type != SHT_DYNSYM && s.type != SHT_SYMTAB)
			continue;
		if (s.link >= shnum || !section_at(im, shoff, s.link, shentsize, &str) ||
		    str.type != SHT_STRTAB)
			continue;
		if (s.type == SHT_DYNAMIC) {
			read_dynamic(im, &s, &str, out);
			*saw_dynamic = true;
		} else
			read_symbols(im, &s, &str, q);
	}
	return 0;
}

/* A program header, whatever the class. */
struct segment {
	uint32_t type;
	uint64_t offset, vaddr, filesz;
};

#define LOADS_MAX 16

/* What the program headers say: the loaded segments, and PT_DYNAMIC. */
struct segments {
	bool has_dynamic;
	struct segment dynamic;
	unsigned loads;
	struct segment load[LOADS_MAX];
};

static void segment_entry(const struct image *im, const unsigned char *p, struct segment *g)
{
	if (im->is64) {
		Elf64_Phdr h;

		memcpy(&h, p, sizeof(h));
		*g = (struct segment){h.p_type, h.p_offset, h.p_vaddr, h.p_filesz};
	} else {
		Elf32_Phdr h;

		memcpy(&h, p, sizeof(h));
		*g = (struct segment){h.p_type, h.p_offset, h.p_vaddr, h.p_filesz};
	}
}

static void program_header_table(const struct image *im, uint64_t *phoff, unsigned *phnum,
				 unsigned *phentsize)
{
	if (im->is64) {
		Elf64_Ehdr h;

		memcpy(&h, im->data, sizeof(h));
		*phoff = h.e_phoff, *phnum = h.e_phnum, *phentsize = h.e_phentsize;
	} else {
		Elf32_Ehdr h;

		memcpy(&h, im->data, sizeof(h));
		*phoff = h.e_phoff, *phnum = h.e_phnum, *phentsize = h.e_phentsize;
	}
}

/* PT_INTERP is the reliable sign of a dynamically linked program, and
 * PT_DYNAMIC holds its needed libraries even when sections are stripped. */
static void read_segments(const struct image *im, struct elf_file *out, struct segments *sg)
{
	size_t entsize = im->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	uint64_t phoff;
	unsigned phnum, phentsize;

	program_header_table(im, &phoff, &phnum, &phentsize);
	for (unsigned i = 0; phoff && phentsize >= entsize && i < phnum; i++) {
		const unsigned char *p = entry_at(im, phoff, i, phentsize);
		struct segment g;

		if (!p)
			break;
		segment_entry(im, p, &g);
		if (g.type == PT_INTERP)
			out->has_interp = true;
		else if (g.type == PT_DYNAMIC)
			sg->has_dynamic = true, sg->dynamic = g;
		else if (g.type == PT_LOAD && sg->loads < LOADS_MAX)
			sg->load[sg->loads++] = g;
	}
}

/* A virtual address inside a loaded segment, as an offset in the file. */
static bool file_offset(const struct segments *sg, uint64_t vaddr, uint64_t *off)
{
	for (unsigned i = 0; i < sg->loads; i++) {
		const struct segment *g = &sg->load[i];

		if (vaddr >= g->vaddr && vaddr - g->vaddr < g->filesz) {
			*off = g->offset + (vaddr - g->vaddr);
			return true;
		}
	}
	return false;
}

/* Without section headers (sstrip), the needed libraries are still read
 * from PT_DYNAMIC, with DT_STRTAB's strings, as the dynamic linker does. */
static void read_dynamic_segment(const struct image *im, const struct segments *sg,
				 struct elf_file *out)
{
	size_t entsize = im->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	struct section dyn = {SHT_DYNAMIC, 0, sg->dynamic.offset, sg->dynamic.filesz, 0};
	struct section str = {SHT_STRTAB, 0, 0, 0, 0};
	uint64_t strtab = 0, val;
	int64_t tag;

	if (!in_file(im, dyn.offset, dyn.size))
		return;
	for (uint64_t off = 0; off + entsize <= dyn.size; off += entsize) {
		dynamic_entry(im, im->data + dyn.offset + off, &tag, &val);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB)
			strtab = val;
		else if (tag == DT_STRSZ)
			str.size = val;
	}
	if (strtab && str.size && file_offset(sg, strtab, &str.offset) &&
	    in_file(im, str.offset, str.size))
		read_dynamic(im, &dyn, &str, out);
}

static bool contains(const struct image *im, const char *text)
{
	return memmem(im->data, im->size, text, strlen(text) + 1) != NULL;
}

static void read_strings(const struct image *im, struct elf_file *out)
{
	for (size_t i = 0; i < sizeof(client_errors) / sizeof(client_errors[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "%s%s", client_errors[i][0], client_errors[i][1]);
		if (memmem(im->data, im->size, text, strlen(text)))
			out->has_client_errors = true;
	}
	out->names_client = !out->defines_client && !out->imports_client;
	for (size_t i = 0; i < sizeof(looked_up_names) / sizeof(looked_up_names[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "%s%s", looked_up_names[i][0], looked_up_names[i][1]);
		out->names_client &= contains(im, name);
	}
}

static int check_ident(const struct image *im, struct elf_file *out, char *err,
		       unsigned errlen)
{
	const unsigned char *id = im->data;

	if (im->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0) {
		say(err, errlen, "not an ELF file");
		return -1;
	}
	out->elf_class = id[EI_CLASS];
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB) {
		say(err, errlen, "ELF file with an unknown byte order");
		return -1;
	}
	if ((id[EI_CLASS] != ELFCLASS64 && id[EI_CLASS] != ELFCLASS32) ||
	    (id[EI_CLASS] == ELFCLASS64 && im->size < sizeof(Elf64_Ehdr)) ||
	    (id[EI_CLASS] == ELFCLASS32 && im->size < sizeof(Elf32_Ehdr))) {
		say(err, errlen, "truncated or unknown ELF class");
		return -1;
	}
	/* e_machine is at the same place in both classes, in the file's order. */
	out->machine = id[EI_DATA] == ELFDATA2LSB ? (uint16_t)(id[18] | id[19] << 8)
						  : (uint16_t)(id[18] << 8 | id[19]);
	return 0;
}

static int map_file(const char *path, struct image *im, char *err, unsigned errlen)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO or a terminal must not stop the doctor. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	void *p;

	if (fd < 0) {
		say(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		say(err, errlen, "not a regular, non-empty file");
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		say(err, errlen, "cannot map: %s", strerror(errno));
		return -1;
	}
	im->data = p;
	im->size = (size_t)st.st_size;
	return 0;
}

static const char *const client_entry[] = {CLIENT_ENTRY, NULL};

static int parse(const unsigned char *data, size_t size, struct elf_file *out,
		 struct symbol_query *q, char *err, unsigned errlen)
{
	struct image im = {data, size, false};
	struct segments sg = {0};
	bool saw_dynamic = false;

	memset(out, 0, sizeof(*out));
	if (check_ident(&im, out, err, errlen) != 0)
		return -1;
	im.is64 = out->elf_class == ELFCLASS64;
	/* Only files in this machine's byte order are read further. */
	if (im.data[EI_DATA] != OWN_DATA)
		return 0;
	read_segments(&im, out, &sg);
	if (read_sections(&im, out, q, &saw_dynamic) != 0) {
		say(err, errlen, "truncated ELF file: its section headers lie past its end");
		return -1;
	}
	if (!saw_dynamic && sg.has_dynamic)
		read_dynamic_segment(&im, &sg, out);
	return 0;
}

int elf_parse(const unsigned char *data, size_t size, struct elf_file *out, char *err,
	      unsigned errlen)
{
	struct symbol_query q = {client_entry, false, false};
	struct image im = {data, size, false};

	if (parse(data, size, out, &q, err, errlen) != 0)
		return -1;
	out->defines_client = q.defined;
	out->imports_client = q.imported;
	read_strings(&im, out);
	return 0;
}

int elf_read(const char *path, struct elf_file *out, char *err, unsigned errlen)
{
	struct image im = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if (map_file(path, &im, err, errlen) != 0)
		return -1;
	rc = elf_parse(im.data, im.size, out, err, errlen);
	munmap((void *)im.data, im.size);
	return rc;
}

bool elf_has_symbol(const char *path, const char *const *names)
{
	struct symbol_query q = {names, false, false};
	struct image im = {0};
	struct elf_file *scratch = malloc(sizeof(*scratch));
	char err[128];
	bool found = false;

	if (scratch && map_file(path, &im, err, sizeof(err)) == 0) {
		found = parse(im.data, im.size, scratch, &q, err, sizeof(err)) == 0 &&
			(q.defined || q.imported);
		munmap((void *)im.data, im.size);
	}
	free(scratch);
	return found;
}

int elf_identify(const char *path, unsigned char *elf_class, uint16_t *machine)
{
	unsigned char head[EI_NIDENT + 4];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	bool ok;

	if (fd < 0)
		return -1;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	     pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	     memcmp(head, ELFMAG, SELFMAG) == 0;
	close(fd);
	if (!ok)
		return -1;
	*elf_class = head[EI_CLASS];
	*machine = head[EI_DATA] == ELFDATA2LSB ? (uint16_t)(head[18] | head[19] << 8)
						: (uint16_t)(head[18] << 8 | head[19]);
	return 0;
}

uint16_t elf_own_machine(void)
{
#if defined(__x86_64__)
	return EM_X86_64;
#elif defined(__i386__)
	return EM_386;
#elif defined(__aarch64__)
	return EM_AARCH64;
#elif defined(__arm__)
	return EM_ARM;
#elif defined(__powerpc64__)
	return EM_PPC64;
#elif defined(__s390__)
	return EM_S390;
#elif defined(__riscv)
	return EM_RISCV;
#elif defined(__mips__)
	return EM_MIPS;
#else
	static uint16_t machine; /* read once from the doctor's own file */
	unsigned char cls;

	if (!machine)
		elf_identify("/proc/self/exe", &cls, &machine);
	return machine;
#endif
}

const char *elf_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return "x86-64";
	case EM_386: return "i386";
	case EM_AARCH64: return "AArch64";
	case EM_ARM: return "ARM";
	case EM_PPC64: return "PowerPC64";
	case EM_S390: return "S/390";
	case EM_RISCV: return "RISC-V";
	case EM_MIPS: return "MIPS";
	default: return "another machine";
	}
}

/* "-" and a hex hash after the stem: a copy renamed by auditwheel
 * (libmysqlclient-1a2b3c4d.so.21), still a shared client library. */
static bool hashed_suffix(const char *p)
{
	size_t hex;

	if (*p != '-')
		return false;
	hex = strspn(p + 1, "0123456789abcdef");
	return hex >= 6 && strncmp(p + 1 + hex, ".so", 3) == 0 &&
	       (p[4 + hex] == '\0' || p[4 + hex] == '.');
}

bool elf_is_client_library(const char *file_name)
{
	static const char *const stems[] = {
		"libmariadb", "libmysqlclient", "libmysqlclient_r",
		"libmariadbclient", "libperconaserverclient",
	};

	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		size_t n = strlen(stems[i]);
		const char *rest = file_name + n;

		if (strncmp(file_name, stems[i], n) != 0)
			continue;
		if ((strncmp(rest, ".so", 3) == 0 && (rest[3] == '\0' || rest[3] == '.')) ||
		    hashed_suffix(rest))
			return true;
	}
	return false;
}
