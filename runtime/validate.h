#ifndef RT_VALIDATE_H
#define RT_VALIDATE_H
#endif
