/* entrun --doctor: what entrun needs on this host, one line per check with
 * a fix hint.  Returns 0 when the essentials are there, 1 otherwise. */
#ifndef ENTRUN_DOCTOR_H
#define ENTRUN_DOCTOR_H

int entrun_doctor (void);

#endif
