#ifndef CT_DIGEST_H
#define CT_DIGEST_H
#endif
