#ifndef CT_OCISPEC_STATE_H
#define CT_OCISPEC_STATE_H
#endif
