#ifndef VIGIL_CMARIADB_SHIM_H
#define VIGIL_CMARIADB_SHIM_H
#include <mysql.h>
#endif
