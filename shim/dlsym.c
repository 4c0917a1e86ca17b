/* dlsym.c - reach programs that look the client library's functions up
 * themselves (Tcl's tdbc::mysql loads it with dlopen and calls every
 * function through dlsym()ed pointers, which no preloaded symbol reaches).
 *
 * dlsym(handle, "mysql_...") with a real handle answers with the shim's
 * hook when the real answer is exactly the function the shim would call
 * (real.h): the hook forwards to it.  Every other lookup is the C
 * library's own answer.  RTLD_NEXT and RTLD_DEFAULT are resolved relative
 * to the object that called dlsym, found from the return address: for
 * them the entry below jumps to the C library's dlsym without a frame of
 * its own, so the caller it sees is the program's (a C wrapper could not
 * promise that).  x86-64 only; elsewhere dlsym is not interposed. */
#include "dlsym.h"

#include <dlfcn.h>
#include <string.h>

#include "guard.h"
#include "hooks.h"
#include "real.h"

#if defined(__x86_64__)

void *shim_dlsym_handle(void *handle, const char *name) __attribute__((visibility("hidden")));

/* A lookup in a real handle: one call of the C library's dlsym (so that
 * dlerror() says what it would), then a look at the answer. */
void *shim_dlsym_handle(void *handle, const char *name)
{
	void *(*libc_dlsym)(void *, const char *) = shim_libc_dlsym;
	void *found = libc_dlsym(handle, name);
	void *hook;

	if (!found || !name || (strncmp(name, "mysql_", 6) != 0 && strncmp(name, "mariadb_", 8) != 0) ||
	    guard_active())
		return found;
	hook = hook_named(name);
	if (!hook || hook == found || real_bound(name) != found)
		return found;
	return hook;
}

/* dlsym(handle, name): RTLD_DEFAULT (0) and RTLD_NEXT (-1) jump straight
 * to the C library's, with the program's return address on the stack. */
__asm__(".text\n"
	".globl dlsym\n"
	".type dlsym, @function\n"
	"dlsym:\n"
	"	.cfi_startproc\n"
	"	endbr64\n"
	"	movq shim_libc_dlsym(%rip), %rax\n"
	"	testq %rax, %rax\n"
	"	jz 3f\n"
	"1:	testq %rdi, %rdi\n"
	"	jz 2f\n"
	"	cmpq $-1, %rdi\n"
	"	je 2f\n"
	"	jmp shim_dlsym_handle\n"
	"2:	jmp *%rax\n"
	"3:	pushq %rdi\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	pushq %rsi\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	subq $8, %rsp\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	call shim_dlsym_init\n"
	"	addq $8, %rsp\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %rsi\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %rdi\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	testq %rax, %rax\n"
	"	jnz 1b\n"
	"	ret\n" /* no C library dlsym: NULL */
	"	.cfi_endproc\n"
	".size dlsym, .-dlsym\n");

#endif
