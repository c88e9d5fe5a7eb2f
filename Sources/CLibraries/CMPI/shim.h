#include <mpi.h>

// OpenMPI's handles are macros over addresses of globals, which Swift cannot import.
static inline MPI_Comm funaudio_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype funaudio_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype funaudio_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op funaudio_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op funaudio_mpi_max(void) { return MPI_MAX; }
static inline MPI_Errhandler funaudio_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline void *funaudio_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int funaudio_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int funaudio_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
