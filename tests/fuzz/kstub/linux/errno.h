/* the kernel's numbers, as glibc gets them */
#include <asm/errno.h>
