// Whether CPUs 0 and 1 are two cores or two hardware threads of one core, which decides what "per
// core" means for a throughput figure: each thread runs 8 independent multiply chains, as many
// multiplies as one core's multiplier takes per cycle. Two hardware threads of one core share that
// multiplier, so two threads take about twice as long as one; two cores take about the same time.
//
//   gcc -O2 -pthread midtrain.bench/scripts/cores_check.c -o /tmp/cores_check && /tmp/cores_check
//
// Run it on a quiet machine: other work on either CPU raises the ratio too.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
static long iters;
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void *work(void *arg){
  int cpu=(int)(intptr_t)arg; cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu,&s); sched_setaffinity(0,sizeof s,&s);
  uint64_t a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8;
  for(long i=0;i<iters;i++){a=a*0x9E3779B97F4A7C15ull+1;b=b*0x9E3779B97F4A7C15ull+1;c=c*0x9E3779B97F4A7C15ull+1;d=d*0x9E3779B97F4A7C15ull+1;
    e=e*0x9E3779B97F4A7C15ull+1;f=f*0x9E3779B97F4A7C15ull+1;g=g*0x9E3779B97F4A7C15ull+1;h=h*0x9E3779B97F4A7C15ull+1;
    __asm__ volatile("" : "+r"(a),"+r"(b),"+r"(c),"+r"(d),"+r"(e),"+r"(f),"+r"(g),"+r"(h));}
  return (void*)(uintptr_t)(a^b^c^d^e^f^g^h);
}
int main(int argc,char**argv){
  iters=argc>1?atol(argv[1]):300000000L;
  for(int r=0;r<3;r++){
    double t0=now(); work((void*)0); double t1=now();
    pthread_t x,y; double t2=now(); pthread_create(&x,0,work,(void*)0); pthread_create(&y,0,work,(void*)1);
    pthread_join(x,0); pthread_join(y,0); double t3=now();
    printf("one thread %.3f s, two threads (cpu 0 and 1) %.3f s, ratio %.2f\n",t1-t0,t3-t2,(t3-t2)/(t1-t0));
  }
}
