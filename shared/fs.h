#ifndef CT_FS_H
#define CT_FS_H
#endif
