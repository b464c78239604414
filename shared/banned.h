/* Calls that do not compile in this tree (git's banned.h): each has a safer
   replacement named in STYLE.md 3.10 rule 9. Included last by common.h. */
#ifndef CT_BANNED_H
#define CT_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED (strcpy)
#undef strcat
#define strcat(x, y) BANNED (strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED (strncpy)
#undef sprintf
#define sprintf(...) BANNED (sprintf)
#undef vsprintf
#define vsprintf(...) BANNED (vsprintf)
#undef strtok
#define strtok(x, y) BANNED (strtok)
#undef gmtime
#define gmtime(t) BANNED (gmtime)
#undef localtime
#define localtime(t) BANNED (localtime)
#undef ctime
#define ctime(t) BANNED (ctime)
#undef mktemp
#define mktemp(x) BANNED (mktemp)
#undef system
#define system(x) BANNED (system)
#undef atoi
#define atoi(x) BANNED (atoi)

#endif
